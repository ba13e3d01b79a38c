import { rmSync } from "node:fs";
import type { LocalCognito } from "../../src/dev/local-cognito";

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>)["__authgwLocalCognito"] as { local: LocalCognito; dir: string } | undefined;
  if (!state) return;
  await state.local.stop();
  rmSync(state.dir, { recursive: true, force: true });
}

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalCognito } from "../../src/dev/local-cognito";
import { provisionLocalPool } from "../../src/dev/provision-local";
import { generateCustomAuthKeyPair } from "../../src/shared/custom-auth-proof";
import { publishTestCognito, TEST_CODE } from "./test-cognito";
import { freePort } from "../support/ports";

export default async function globalSetup(): Promise<void> {
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] = "true";
  const dir = mkdtempSync(join(tmpdir(), "authgw-cognito-"));
  const { privateKeyPem: customAuthPrivateKey, publicKeyPem } = generateCustomAuthKeyPair();
  const local = await startLocalCognito({ port: await freePort(), dir, code: TEST_CODE, customAuthPublicKeys: [publicKeyPem], totpClockControl: true, deferSaves: true });
  const pool = await provisionLocalPool(local.endpoint);
  publishTestCognito({ ...pool, endpoint: local.endpoint, customAuthPrivateKey });
  (globalThis as Record<string, unknown>)["__authgwLocalCognito"] = { local, dir };
}

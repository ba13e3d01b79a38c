import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveChainKey } from "../../../src/audit/postgres/chain-key";

describe("the audit chain key", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "chain-key-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is AUDIT_CHAIN_KEY when given, whatever the dev file holds", () => {
    expect(resolveChainKey({ chainKey: "given", devChainKeyFile: join(dir, "k") }, { create: true })).toBe("given");
  });

  it("in dev mode is generated once, kept owner-only, and the same at the next start; verify never makes one", () => {
    const file = join(dir, "data", "audit-chain.key");
    expect(resolveChainKey({ chainKey: undefined, devChainKeyFile: file }, { create: false })).toBeUndefined();
    const first = resolveChainKey({ chainKey: undefined, devChainKeyFile: file }, { create: true });
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveChainKey({ chainKey: undefined, devChainKeyFile: file }, { create: true })).toBe(first);
    expect(resolveChainKey({ chainKey: undefined, devChainKeyFile: file }, { create: false })).toBe(first);
  });

  it("is absent outside dev mode without AUDIT_CHAIN_KEY (config refuses that in AWS mode)", () => {
    expect(resolveChainKey({ chainKey: undefined, devChainKeyFile: undefined }, { create: true })).toBeUndefined();
  });
});

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HashChainedFileSink } from "../../../src/audit/audit-log";
import type { AuditRecord } from "../../../src/audit/audit-event";
import { verifyChain } from "../../../src/audit/hash-chain";

const record = (actor: string): AuditRecord => ({ time: new Date(0).toISOString(), requestId: actor, ip: null, userAgent: null, event: "ADMIN_ADD_TO_GROUP", outcome: "SUCCESS", actor });

/** The running gateway and the admin CLI append to one audit file: the chain must stay one chain. */
describe("an audit file shared by the gateway and the admin CLI", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "audit-shared-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("stays one valid chain when another process appends between the gateway's writes", async () => {
    const path = join(dir, "audit.jsonl");
    const gateway = new HashChainedFileSink(path);
    await gateway.write(record("gateway-1"));
    const cli = new HashChainedFileSink(path);
    await cli.write(record("cli"));
    await cli.close();
    await gateway.write(record("gateway-2"));
    await gateway.close();

    expect(readFileSync(path, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as AuditRecord).actor)).toEqual(["gateway-1", "cli", "gateway-2"]);
    expect(await verifyChain(path)).toMatchObject({ ok: true, records: 3 });
  });

  it("continues from the file when another process appended before the sink's first write", async () => {
    const path = join(dir, "audit.jsonl");
    const gateway = new HashChainedFileSink(path);
    const cli = new HashChainedFileSink(path);
    await cli.write(record("cli"));
    await gateway.write(record("gateway-1"));
    expect(await verifyChain(path)).toMatchObject({ ok: true, records: 2 });
  });
});

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuditSpool } from "../../../src/audit/audit-spool";
import type { AuditRecord } from "../../../src/audit/audit-event";
import { verifyChain } from "../../../src/audit/hash-chain";
import { StallingSink } from "../../support/audit-fault-sinks";
import { waitFor } from "../../support/gateway-process";

const record = (i: number): AuditRecord => ({ time: new Date(i).toISOString(), requestId: `req-${i}`, ip: null, userAgent: null, event: "LOGOUT", outcome: i % 2 === 0 ? "INTENT" : "SUCCESS" });

/** Issue 22 row 11: the spool keeps what the sink refused, chained and fsync'd, and ships it in order. */
describe("the audit spool", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "spool-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps records across a restart while the sink refuses them, then ships them in order and empties itself", async () => {
    const path = join(dir, "spool.jsonl");
    const sink = new StallingSink();
    sink.refuseAll = true;
    const backlog: number[] = [];
    const first = await AuditSpool.open(path, sink, (n) => backlog.push(n));
    for (let i = 0; i < 4; i += 1) await first.append(record(i));
    await first.close();
    expect(await verifyChain(path)).toEqual({ ok: true, records: 4, recovered: 0 });
    expect(sink.records).toEqual([]);

    sink.refuseAll = false;
    const second = await AuditSpool.open(path, sink);
    expect(second.backlog).toBe(4);
    await waitFor(() => second.backlog === 0, "the spool is shipped");
    expect(sink.records.map((r) => r.requestId)).toEqual(["req-0", "req-1", "req-2", "req-3"]);
    expect(readFileSync(path, "utf8")).toBe("");
    await second.close();
    expect(backlog.at(-1)).toBe(4);
  });
});

import { AggregatedRecords } from "../../../src/audit/aggregated-records";
import type { AuditEvent, RequestMeta } from "../../../src/audit/audit-event";
import { FakeClock } from "../../fakes/fake-clock";

const meta: RequestMeta = { requestId: "r", ip: "192.0.2.1", userAgent: undefined };
const rejected: AuditEvent = { event: "TOKEN_REJECTED", outcome: "FAILURE", reason: "TOKEN_INVALID" };

/** Issue 28 row 7: refusal summaries survive a failing sink (carried over, or counted as lost). */
describe("refusal summaries", () => {
  const written: AuditEvent[] = [];
  let failing = false;
  const audit = { record: async (_meta: RequestMeta, event: AuditEvent) => {
    if (failing) throw new Error("ENOSPC");
    written.push(event);
  } };
  beforeEach(() => {
    written.length = 0;
    failing = false;
  });

  it("never rejects a refusal, and carries the counts of an unwritten summary into the next one", async () => {
    let lost = 0;
    const records = new AggregatedRecords({ audit, clock: new FakeClock(0), intervalSeconds: 60, onLost: (n) => (lost += n) });
    failing = true;
    for (let i = 0; i < 5; i += 1) await expect(records.note(meta, rejected)).resolves.toBeUndefined();
    await expect(records.flush()).rejects.toThrow("ENOSPC");
    for (let i = 0; i < 3; i += 1) await records.note(meta, rejected);
    failing = false;
    await records.flush();
    expect(written).toEqual([expect.objectContaining({ event: "TOKEN_REJECTED", reason: "TOKEN_INVALID:REPEATED", count: 8 })]);
    expect(lost).toBe(0);
  });

  it("counts the summaries it could not write at shutdown as lost", async () => {
    let lost = 0;
    const records = new AggregatedRecords({ audit, clock: new FakeClock(0), intervalSeconds: 60, onLost: (n) => (lost += n) });
    failing = true;
    await records.note(meta, rejected);
    await records.note({ ...meta, ip: "192.0.2.2" }, rejected);
    await expect(records.stop()).rejects.toThrow();
    expect(lost).toBe(2);
  });
});

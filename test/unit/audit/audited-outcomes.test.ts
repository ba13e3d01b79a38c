import { audited } from "../../../src/audit/audited";
import type { AuditEvent, RequestMeta } from "../../../src/audit/audit-event";
import type { OutcomeWritten } from "../../../src/audit/audit-log";

const meta: RequestMeta = { requestId: "r", ip: undefined, userAgent: undefined };
const event: AuditEvent = { event: "PASSWORD_CHANGE", outcome: "SUCCESS", subject: "s" };

/** Issue 28 row 5, the one place every audited mutation goes through: the answer follows what happened. */
describe("audited: an outcome that cannot be written", () => {
  const writer = (outcome: OutcomeWritten) => {
    const outcomes: AuditEvent[] = [];
    return { outcomes, record: async () => undefined, recordOutcome: async (_m: RequestMeta, e: AuditEvent) => (outcomes.push(e), outcome) };
  };

  it("spooled: the client is told the effect happened", async () => {
    const audit = writer("spooled");
    await expect(audited(audit, meta, event, async () => ({ result: "done" }))).resolves.toBe("done");
  });

  it("lost, with an undo: the effect is undone, the answer is 503 and the trail is told it was undone", async () => {
    const audit = writer("lost");
    let undone = false;
    const run = audited(audit, meta, event, async () => ({ result: "done", undo: async () => void (undone = true) }));
    await expect(run).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect(undone).toBe(true);
    expect(audit.outcomes.map((e) => e.reason ?? e.outcome)).toEqual(["SUCCESS", "UNDONE:AUDIT_UNAVAILABLE"]);
  });

  it("lost, with no undo: the effect stands and the client is told it happened", async () => {
    await expect(audited(writer("lost"), meta, event, async () => ({ result: "done" }))).resolves.toBe("done");
  });

  it("a failed operation answers its own error even when its FAILURE record is lost", async () => {
    await expect(audited(writer("lost"), meta, event, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
  });
});

import { MemorySink, AuditLog } from "../../src/audit/audit-log";
import { Outbox } from "../../src/db/outbox";
import { OutboxSecurityNotifier } from "../../src/db/outbox-channels";
import { silentLogger } from "../../src/shared/logger";
import { systemClock } from "../../src/shared/clock";
import { startWebhookReceiver, webhookSecret } from "../support/emergency-rig";
import { recordsDb, type RecordsDb } from "../support/records-db";
import { waitFor } from "../support/gateway-process";

/**
 * An attacker who can read the gateway's database (its role, a backup, a replica) but holds none of its
 * secrets reads the outbox while a notice waits for its receiver. An email-change notice carries the
 * single-use undo token: read in the clear, it lets the reader undo the owner's change (or learn the
 * addresses). Bodies wait sealed under the channel's webhook secret, bound to their row; the receiver still
 * gets the exact body it would have had.
 */
describe("attack: reading a waiting notice from the outbox", () => {
  let db: RecordsDb;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  beforeEach(async () => {
    db = await recordsDb();
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    await db.drop();
  });

  const outbox = () =>
    new Outbox({
      pool: db.pool,
      schema: db.schema,
      targets: { notice: { url: receiver.url, secret: webhookSecret } },
      retryDelaysMs: { alert: [], notice: [0, 0, 0] },
      audit: new AuditLog({ sink: new MemorySink(), clock: systemClock }),
      logger: silentLogger,
      deadLettered: () => undefined,
      random: () => 0.5,
    });

  const undoToken = "undo-token-0123456789abcdefghijklmnopqrstuv";
  const notice = { sub: "sub-owner", email: "owner@example.org", undoToken, undoUntil: new Date("2026-12-14T00:00:00Z"), at: new Date("2026-12-07T00:00:00Z") };
  const rows = async () => (await db.pool.query<{ id: string; body: string | null }>(`SELECT id, body FROM "${db.schema}".outbox ORDER BY kind`)).rows;

  it("finds neither the undo token nor the address in a notice the receiver has not taken yet", async () => {
    receiver.answerWith(503);
    await new OutboxSecurityNotifier({ outbox: outbox() }).emailChanged(notice);
    await waitFor(() => receiver.received.length >= 1, "a first, refused delivery");
    const [row] = await rows();
    expect(row?.body).toEqual(expect.any(String));
    expect(row?.body).not.toContain(undoToken);
    expect(row?.body).not.toContain("owner@example.org");
    expect(row?.body).not.toContain("EMAIL_CHANGED");
  });

  it("delivers the exact body once the receiver answers, and keeps nothing of it", async () => {
    receiver.answerWith(503);
    const box = outbox();
    await new OutboxSecurityNotifier({ outbox: box }).emailChanged(notice);
    await waitFor(() => receiver.received.length >= 1, "a first, refused delivery");
    receiver.answerWith(204);
    await db.pool.query(`UPDATE "${db.schema}".outbox SET next_attempt_at = now()`);
    await waitFor(async () => (await box.deliverDue()) === 0 && (await rows())[0]?.body === null, "the second delivery");
    const delivered = JSON.parse(receiver.received.at(-1)?.body ?? "{}") as Record<string, unknown>;
    expect(delivered).toMatchObject({ type: "EMAIL_CHANGED", email: "owner@example.org", undoToken });
  });

  it("does not deliver a body moved from another row (each is bound to its own delivery id)", async () => {
    receiver.answerWith(503);
    const box = outbox();
    const notifier = new OutboxSecurityNotifier({ outbox: box });
    await notifier.emailChanged(notice);
    await notifier.recoveryCodeUsed({ sub: "sub-other", email: "other@example.org", codesLeft: 3, at: new Date() });
    const attempted = async () => (await db.pool.query(`SELECT id FROM "${db.schema}".outbox WHERE attempts >= 1`)).rowCount === 2;
    await waitFor(async () => (await attempted()) || ((await box.deliverDue()) >= 0 && false), "both refused once");
    const [first, second] = await rows();
    await db.pool.query(`UPDATE "${db.schema}".outbox SET body = $1 WHERE id = $2`, [first?.body, second?.id]);
    await db.pool.query(`UPDATE "${db.schema}".outbox SET attempts = 1, next_attempt_at = now()`);
    receiver.answerWith(204);
    const before = receiver.received.length;
    await box.deliverDue();
    const bodies = receiver.received.slice(before).map((r) => r.body);
    expect(bodies.filter((b) => b.includes(undoToken))).toHaveLength(1);
  });

  it("never signs a notice a database writer inserted (it is dead-lettered, not delivered)", async () => {
    const dead: string[] = [];
    const box = new Outbox({
      pool: db.pool,
      schema: db.schema,
      targets: { notice: { url: receiver.url, secret: webhookSecret } },
      retryDelaysMs: { alert: [], notice: [] },
      audit: new AuditLog({ sink: new MemorySink(), clock: systemClock }),
      logger: silentLogger,
      deadLettered: (channel) => void dead.push(channel),
    });
    const forged = JSON.stringify({ type: "EMAIL_CHANGED", noticeId: "n-1", email: "owner@example.org", undoToken: "attacker-chosen" });
    await db.pool.query(`INSERT INTO "${db.schema}".outbox (id, channel, kind, subject, body) VALUES (gen_random_uuid(), 'notice', 'EMAIL_CHANGED', 'sub-owner', $1)`, [forged]);
    await box.deliverDue();
    expect(receiver.received).toHaveLength(0);
    expect(dead).toEqual(["notice"]);
  });
});

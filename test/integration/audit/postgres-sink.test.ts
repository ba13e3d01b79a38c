import type { AuditRecord } from "../../../src/audit/audit-event";
import { archiveExpired } from "../../../src/audit/postgres/archive";
import { openPostgresSink } from "../../../src/audit/postgres/open-postgres";
import type { PostgresAuditSink } from "../../../src/audit/postgres/postgres-sink";
import { verifyPostgres } from "../../../src/audit/postgres/verify-postgres";
import { AuditLog, MemorySink } from "../../../src/audit/audit-log";
import { FakeClock } from "../../fakes/fake-clock";
import { auditDb, tamper, type AuditDb } from "../../support/audit-db";

const record = (clock: FakeClock, n: number, extra: Partial<AuditRecord> = {}): AuditRecord => ({
  time: new Date(clock.now()).toISOString(),
  requestId: `req-${n}`,
  ip: "192.0.2.1",
  userAgent: "jest",
  event: "LOGIN",
  outcome: "FAILURE",
  reason: "INVALID_CREDENTIALS",
  subject: `sub-${n % 3}`,
  ...extra,
});

describe("PostgreSQL audit sink", () => {
  let db: AuditDb;
  const clock = new FakeClock(Date.parse("2026-03-15T12:00:00Z"));
  let sink: PostgresAuditSink;

  beforeEach(async () => {
    db = auditDb({ checkpointRecords: 4 });
    sink = await openPostgresSink(db.settings, clock);
  });
  afterEach(async () => {
    await sink.close();
    await db.drop();
  });

  const writeMany = async (count: number, from = 0) => {
    // Concurrent writes: they are batched, and still chained in the order they were accepted.
    await Promise.all(Array.from({ length: count }, (_, i) => sink.write(record(clock, from + i))));
  };
  const table = () => `"${db.settings.schema}".audit_events`;

  it("chains every record of its stream and passes the verifier", async () => {
    await writeMany(10);
    await sink.close();
    const report = await verifyPostgres(db.admin, db.settings.schema);
    expect(report).toMatchObject({ ok: true, records: 10, problems: [] });
    expect(report.streams).toEqual([{ stream: sink.streamId, records: 10, lastSeq: 10, anchoredSeq: 10 }]);
  });

  it("records a checkpoint every N records, every T seconds, and on close", async () => {
    for (let i = 1; i <= 9; i++) await sink.write(record(clock, i));
    clock.advanceSeconds(299);
    await sink.write(record(clock, 10));
    clock.advanceSeconds(1);
    await sink.write(record(clock, 11));
    await sink.write(record(clock, 12));
    await sink.close();
    const { rows } = await db.admin.query(`SELECT stream, seq::int, kind, hash FROM "${db.settings.schema}".audit_checkpoints ORDER BY seq`);
    expect(rows.map((r) => [r.seq, r.kind])).toEqual([[4, "PERIODIC"], [8, "PERIODIC"], [11, "PERIODIC"], [12, "CLOSE"]]);
    const { rows: chain } = await db.admin.query(`SELECT seq::int, hash FROM ${table()} WHERE seq IN (4, 8, 11, 12) ORDER BY seq`);
    expect(rows.map((r) => r.hash)).toEqual(chain.map((r) => r.hash));
  });

  it("keeps the full record as jsonb beside indexed columns", async () => {
    await sink.write(record(clock, 1, { actor: "admin-sub", target: "adminDisableUser", outcome: "INTENT" as AuditRecord["outcome"] }));
    const { rows } = await db.admin.query(`SELECT event, outcome, subject, actor, request_id, ip, record FROM ${table()}`);
    expect(rows[0]).toMatchObject({ event: "LOGIN", outcome: "INTENT", subject: "sub-1", actor: "admin-sub", request_id: "req-1", ip: "192.0.2.1" });
    expect(rows[0].record).toMatchObject({ target: "adminDisableUser", userAgent: "jest", reason: "INVALID_CREDENTIALS" });
  });

  it("refuses UPDATE, DELETE and TRUNCATE, even for a superuser", async () => {
    await writeMany(5);
    const partition = `"${db.settings.schema}".audit_events_2026_03`;
    for (const sql of [`UPDATE ${table()} SET outcome = 'SUCCESS'`, `DELETE FROM ${table()}`, `TRUNCATE ${table()}`, `TRUNCATE ${partition}`, `DELETE FROM ${partition}`]) {
      await expect(db.admin.query(sql)).rejects.toMatchObject({ code: "42501", message: expect.stringContaining("append-only") });
    }
    await expect(db.admin.query(`DELETE FROM "${db.settings.schema}".audit_checkpoints`)).rejects.toMatchObject({ code: "42501" });
    expect((await db.admin.query(`SELECT count(*)::int AS n FROM ${table()}`)).rows[0].n).toBe(5);
  });

  it("names an altered record, and tells a missing tail (truncation) apart", async () => {
    await writeMany(6);
    const stream = sink.streamId;
    await tamper(db.admin, `UPDATE ${table()} SET record = jsonb_set(record, '{outcome}', '"SUCCESS"'), outcome = 'SUCCESS' WHERE seq = 3`);
    expect((await verifyPostgres(db.admin, db.settings.schema)).problems).toEqual([{ kind: "ALTERED", stream, seq: 3, reason: "the record does not match its hash" }]);
  });

  it("reports an indexed column changed without the record, and a record removed from the middle", async () => {
    await writeMany(6);
    const stream = sink.streamId;
    await tamper(db.admin, `UPDATE ${table()} SET subject = 'someone-else' WHERE seq = 2`);
    expect((await verifyPostgres(db.admin, db.settings.schema)).problems).toEqual([{ kind: "ALTERED", stream, seq: 2, reason: "an indexed column differs from the record" }]);
    await tamper(db.admin, `DELETE FROM ${table()} WHERE seq IN (1, 2)`);
    expect((await verifyPostgres(db.admin, db.settings.schema)).problems).toEqual([{ kind: "ALTERED", stream, seq: 3, reason: "records 1..2 are missing before it" }]);
  });

  it("reports records cut from the tail of a checkpointed stream as TRUNCATED", async () => {
    await writeMany(5);
    await sink.close();
    const stream = sink.streamId;
    await tamper(db.admin, `DELETE FROM ${table()} WHERE seq > 3`);
    expect((await verifyPostgres(db.admin, db.settings.schema)).problems).toEqual([
      { kind: "TRUNCATED", stream, seq: 4, reason: expect.stringMatching(/checkpoint says the stream reached 5; records 4..5 are missing/) },
    ]);
  });

  it("checks anchors kept outside the database", async () => {
    await writeMany(3);
    const { rows } = await db.admin.query(`SELECT hash FROM ${table()} WHERE seq = 2`);
    const stream = sink.streamId;
    expect((await verifyPostgres(db.admin, db.settings.schema, [{ stream, seq: 2, hash: rows[0].hash, kind: "EXTERNAL" }])).ok).toBe(true);
    const forged = { stream, seq: 2, hash: "f".repeat(64), kind: "EXTERNAL" };
    expect((await verifyPostgres(db.admin, db.settings.schema, [forged])).problems).toEqual([{ kind: "ALTERED", stream, seq: 2, reason: "the record's hash differs from its EXTERNAL checkpoint" }]);
  });

  describe("retention", () => {
    const archive = (apply: boolean, audit: MemorySink, now: number) =>
      archiveExpired({ pool: db.admin, schema: db.settings.schema, audit: new AuditLog({ sink: audit, clock }), meta: { requestId: "archive-test", ip: undefined, userAgent: undefined }, now, retentionDays: 30, apply });

    it("a dry run lists only whole months older than the retention, deletes nothing, and is audited", async () => {
      const old = new FakeClock(Date.parse("2026-01-10T00:00:00Z"));
      const oldSink = await openPostgresSink(db.settings, old);
      await oldSink.write(record(old, 1));
      await oldSink.close();
      await writeMany(2); // March
      const audit = new MemorySink();
      // 30 days before 2026-03-15 is 2026-02-13: January has expired, February (partly younger) and March have not.
      const plan = await archive(false, audit, clock.now());
      expect(plan.partitions.map((p) => [p.name, p.rows])).toEqual([["audit_events_2026_01", 1]]);
      expect((await db.admin.query(`SELECT count(*)::int AS n FROM ${table()}`)).rows[0].n).toBe(3);
      expect(audit.records).toEqual([
        expect.objectContaining({ event: "AUDIT_ARCHIVE", outcome: "INTENT", target: "dry-run" }),
        expect.objectContaining({ event: "AUDIT_ARCHIVE", outcome: "SUCCESS", target: "dry-run", reason: "WOULD_DROP:1_PARTITIONS:1_RECORDS" }),
      ]);
      // One day earlier, January is not entirely older than the retention yet.
      expect((await archive(false, audit, Date.parse("2026-03-01T23:59:59Z"))).partitions).toEqual([]);
    });

    it("--apply drops expired partitions only, after anchoring their streams; the verifier still passes", async () => {
      const jan = new FakeClock(Date.parse("2026-01-31T23:00:00Z"));
      const straddling = await openPostgresSink(db.settings, jan);
      await straddling.write(record(jan, 1));
      await straddling.write(record(jan, 2));
      jan.advanceSeconds(7200); // into February: the same stream continues in the next partition
      await straddling.write(record(jan, 3));
      await straddling.close();
      const audit = new MemorySink();
      const plan = await archive(true, audit, clock.now());
      expect(plan.partitions.map((p) => p.name)).toEqual(["audit_events_2026_01"]);
      expect((await db.admin.query(`SELECT count(*)::int AS n FROM ${table()}`)).rows[0].n).toBe(1);
      expect(await verifyPostgres(db.admin, db.settings.schema)).toMatchObject({ ok: true, records: 1 });
      expect(audit.records[0]).toMatchObject({ event: "AUDIT_ARCHIVE", target: "apply", outcome: "INTENT" });
      expect(audit.records[1]).toMatchObject({ event: "AUDIT_ARCHIVE", target: "apply", reason: "DROPPED:1_PARTITIONS:2_RECORDS" });
    });
  });
});

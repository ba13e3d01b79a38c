import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Pool } from "pg";
import { migrate } from "../../../src/audit/postgres/migrations";
import { openPostgresSink } from "../../../src/audit/postgres/open-postgres";
import type { PostgresAuditSink } from "../../../src/audit/postgres/postgres-sink";
import { verifyPostgres } from "../../../src/audit/postgres/verify-postgres";
import { systemClock } from "../../../src/shared/clock";
import * as ops from "../../generated/graphql";
import { auditDb, gatewayRole, tamper, type AuditDb } from "../../support/audit-db";
import { dataOf, errorOf, type GraphQLResponse } from "../../support/graphql-client";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { adminUser, enrolledUser, uniqueEmail } from "../../support/users";

const run = promisify(execFile);
/** Whole sign-up and MFA flows on several gateways: far over jest's 30 s default on a loaded machine. */
const slow = 120_000;
/** AUDIT_CHAIN_KEY of these gateways: audit:verify needs it to accept their streams. */
const chainKey = "postgres-gateways-test-audit-chain-key-0123456789";

describe("gateways on the PostgreSQL audit trail, with the gateway's own role", () => {
  let db: AuditDb;
  let role: Awaited<ReturnType<typeof gatewayRole>>;
  const open: TestGateway[] = [];

  beforeAll(async () => {
    db = auditDb();
    await migrate(db.admin, db.settings.schema);
    role = await gatewayRole(db);
  });
  afterEach(async () => {
    await db.admin.query(`ALTER ROLE ${role.name} LOGIN`);
    await Promise.all(open.splice(0).map((gw) => gw.close()));
  });
  afterAll(async () => {
    await role?.drop();
    await db?.drop();
  });

  const gateway = async (writeTimeoutMs = db.settings.writeTimeoutMs): Promise<{ gw: TestGateway; sink: PostgresAuditSink }> => {
    const sink = await openPostgresSink({ ...db.settings, url: role.url, writeTimeoutMs, chainKey }, systemClock);
    const gw = await startTestGateway({ auditSink: sink });
    open.push(gw);
    return { gw, sink };
  };

  /** The database stops answering this role: its connections are killed and it may not connect again. */
  const cutOff = async () => {
    await db.admin.query(`ALTER ROLE ${role.name} NOLOGIN`);
    await db.admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [role.name]);
  };

  it("two instances writing at once keep two intact chains, and audit:verify passes", async () => {
    const [a, b] = [await gateway(), await gateway()];
    // One sign-up with MFA on each at once (more would race TOTP windows on a loaded machine), then
    // bursts of failed logins: many records in flight on both instances together.
    await Promise.all([a, b].map(({ gw }) => enrolledUser(gw)));
    await Promise.all([a, b].flatMap(({ gw }) => Array.from({ length: 10 }, () => gw.run(ops.LoginDocument, { email: uniqueEmail(), password: "Wrong-Passw0rd-1!" }))));
    await Promise.all(open.splice(0).map((gw) => gw.close()));

    const report = await verifyPostgres(db.admin, db.settings.schema);
    expect(report.problems).toEqual([]);
    const streams = report.streams.map((s) => s.stream);
    expect(streams).toEqual(expect.arrayContaining([a.sink.streamId, b.sink.streamId]));
    expect(report.streams.every((s) => s.anchoredSeq === s.lastSeq)).toBe(true);

    const env = { ...process.env, AUDIT_DATABASE_URL: db.settings.url, AUDIT_DATABASE_SCHEMA: db.settings.schema, AUDIT_CHAIN_KEY: chainKey };
    const ok = await run(process.execPath, ["dist/audit/verify-cli.js"], { env });
    expect(ok.stdout).toMatch(/^ok: \d+ records in \d+ streams, every chain intact$/m);

    await tamper(db.admin, `UPDATE "${db.settings.schema}".audit_events SET record = record || '{"reason":"EDITED"}' WHERE stream = $1 AND seq = 2`, [b.sink.streamId]);
    const broken = await run(process.execPath, ["dist/audit/verify-cli.js"], { env }).catch((error: unknown) => error as { code: number; stdout: string });
    expect(broken).toMatchObject({ code: 1, stdout: expect.stringContaining(`BROKEN stream ${b.sink.streamId} at seq 2: the record does not match its hash`) });
    // Put it back for the other tests' verifications.
    await db.admin.query(`SET session_replication_role = replica; DELETE FROM "${db.settings.schema}".audit_events WHERE stream = '${b.sink.streamId}'; DELETE FROM "${db.settings.schema}".audit_checkpoints WHERE stream = '${b.sink.streamId}'; RESET session_replication_role`);
  }, slow);

  it("the gateway's role can add records but not change, delete or drop them", async () => {
    const { gw } = await gateway();
    await enrolledUser(gw);
    const asGatewayPool = Pool;
    const asGateway = new asGatewayPool({ connectionString: role.url, max: 1 });
    try {
      const s = `"${db.settings.schema}"`;
      const { rows } = await asGateway.query(`SELECT tableoid::regclass::text AS part FROM ${s}.audit_events LIMIT 1`);
      for (const sql of [`UPDATE ${s}.audit_events SET outcome = 'X'`, `DELETE FROM ${s}.audit_events`, `TRUNCATE ${s}.audit_events`, `DROP TABLE ${rows[0].part}`, `ALTER TABLE ${s}.audit_events DISABLE TRIGGER ALL`]) {
        await expect(asGateway.query(sql)).rejects.toMatchObject({ code: expect.stringMatching(/^42501$/) });
      }
    } finally {
      await asGateway.end();
    }
  }, slow);

  it("fails closed with SERVICE_UNAVAILABLE while the database is cut off, and readiness says so", async () => {
    const { gw, sink } = await gateway();
    const admin = await adminUser(gw);
    const user = await enrolledUser(gw);
    const userSub = dataOf(await gw.run(ops.MeDocument, {}, { token: user.accessToken })).me.sub;
    await expect(sink.check()).resolves.toBeUndefined();

    await cutOff();
    await expect(sink.check()).rejects.toThrow();
    const responses: GraphQLResponse<unknown>[] = [
      await gw.run(ops.LoginDocument, { email: user.email, password: "Wrong-Passw0rd-1!" }),
      await gw.run(ops.UpdateProfileDocument, { input: { givenName: "Eve" } }, { token: user.accessToken }),
      await gw.run(ops.AdminDisableUserDocument, { userId: userSub }, { token: admin.accessToken }),
      await gw.run(ops.AuditEventsDocument, { first: 5 }, { token: admin.accessToken }),
    ];
    for (const response of responses) {
      expect(response.data).toBeNull();
      expect(errorOf(response).extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", reason: "AUDIT_UNAVAILABLE" });
    }

    await db.admin.query(`ALTER ROLE ${role.name} LOGIN`);
    await expect(sink.check()).resolves.toBeUndefined();
    dataOf(await gw.run(ops.AuditEventsDocument, { first: 5 }, { token: admin.accessToken }));
    await gw.close();
    open.splice(0);
    // The failed writes' stream ended where they failed; the next records started a new stream.
    expect(await verifyPostgres(db.admin, db.settings.schema)).toMatchObject({ ok: true, problems: [] });
  }, slow);

  it("a write the database does not answer is cut at AUDIT_WRITE_TIMEOUT_MS", async () => {
    const { gw, sink } = await gateway(1500);
    const user = await enrolledUser(gw);
    const before = sink.streamId;
    const locker = await db.admin.connect();
    try {
      await locker.query("BEGIN");
      await locker.query(`LOCK TABLE "${db.settings.schema}".audit_events IN ACCESS EXCLUSIVE MODE`);
      const response = await gw.run(ops.UpdateProfileDocument, { input: { givenName: "Eve" } }, { token: user.accessToken });
      expect(errorOf(response).extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", reason: "AUDIT_UNAVAILABLE" });
    } finally {
      await locker.query("ROLLBACK");
      locker.release();
    }
    dataOf(await gw.run(ops.MeDocument, {}, { token: user.accessToken }));
    expect(sink.streamId).not.toBe(before);
    await gw.close();
    open.splice(0);
    expect(await verifyPostgres(db.admin, db.settings.schema)).toMatchObject({ ok: true, problems: [] });
  }, slow);

  // Write-before-effect: today audited() writes the record after the effect, so the disable happens
  // and only the answer fails. The lead's intent-before-effect audited() makes this pass: then turn
  // `it.failing` into `it`.
  it("changes nothing when the audit record cannot be written (intent before effect)", async () => {
    const { gw } = await gateway();
    const admin = await adminUser(gw);
    const user = await enrolledUser(gw);
    const userSub = dataOf(await gw.run(ops.MeDocument, {}, { token: user.accessToken })).me.sub;
    await cutOff();
    expect(errorOf(await gw.run(ops.AdminDisableUserDocument, { userId: userSub }, { token: admin.accessToken })).extensions.code).toBe("SERVICE_UNAVAILABLE");
    await db.admin.query(`ALTER ROLE ${role.name} LOGIN`);
    expect(dataOf(await gw.run(ops.MeDocument, {}, { token: user.accessToken })).me.sub).toBe(userSub);
  }, slow);
});

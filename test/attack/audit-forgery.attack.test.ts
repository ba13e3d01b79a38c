import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Pool } from "pg";
import type { AuditRecord } from "../../src/audit/audit-event";
import { genesisHash } from "../../src/audit/hash-chain";
import { migrate } from "../../src/audit/postgres/migrations";
import { openPostgresSink } from "../../src/audit/postgres/open-postgres";
import { linkHash } from "../../src/audit/postgres/record-hash";
import { systemClock } from "../../src/shared/clock";
import { auditDb, gatewayRole, type AuditDb } from "../support/audit-db";

/**
 * Issue 22 row 6: the gateway's own database role (INSERT on the audit tables, EXECUTE on the partition
 * function) must not be able to write audit history that `npm run audit:verify` accepts: not a whole new
 * stream (a fake admin grant), not a record after a stream's CLOSE. Nor may it create partitions at will.
 */
const verifyCli = join(__dirname, "../../dist/audit/verify-cli.js");
const chainKey = "the-operators-audit-chain-key-kept-outside-the-db";

const verify = (db: AuditDb, key: string | undefined): Promise<{ code: number; stdout: string }> =>
  new Promise((resolve) => {
    const env = { PATH: process.env["PATH"], AUDIT_DATABASE_URL: db.settings.url, AUDIT_DATABASE_SCHEMA: db.settings.schema, ...(key ? { AUDIT_CHAIN_KEY: key } : {}) };
    execFile(process.execPath, [verifyCli], { env, timeout: 60_000 }, (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout }));
  });

const record = (n: number, extra: Partial<AuditRecord> = {}): AuditRecord => ({
  time: new Date().toISOString(),
  requestId: `req-${n}`,
  ip: "192.0.2.1",
  userAgent: "jest",
  event: "LOGIN",
  outcome: "SUCCESS",
  subject: `sub-${n}`,
  ...extra,
});

/** Rows as the gateway's role can insert them: a self-consistent hash chain (SHA-256 needs no key). */
const insertChain = async (pool: Pool, schema: string, stream: string, from: { seq: number; prevHash: string }, records: AuditRecord[]) => {
  let { seq, prevHash } = from;
  for (const r of records) {
    seq += 1;
    const stored = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
    const hash = linkHash({ stream, seq, prevHash, record: stored });
    await pool.query(`SELECT "${schema}".audit_ensure_partition($1)`, [r.time]);
    await pool.query(
      `INSERT INTO "${schema}".audit_events (time, stream, seq, event, outcome, subject, actor, request_id, ip, prev_hash, hash, record) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)`,
      [r.time, stream, seq, r.event, r.outcome, r.subject ?? null, r.actor ?? null, r.requestId, r.ip, prevHash, hash, stored],
    );
    prevHash = hash;
  }
  return { seq, prevHash };
};

describe("ATTACK: the gateway's database role writes audit history", () => {
  let db: AuditDb;
  let role: Awaited<ReturnType<typeof gatewayRole>>;
  let asGateway: Pool;
  let stream: string;

  beforeEach(async () => {
    expect(existsSync(verifyCli)).toBe(true);
    db = auditDb();
    // The owner migrates (npm run migrate); the gateway runs with the narrow role.
    await migrate(db.admin, db.settings.schema);
    role = await gatewayRole(db);
    asGateway = new Pool({ connectionString: role.url, max: 1 });
    asGateway.on("error", () => {});
    const sink = await openPostgresSink({ ...db.settings, url: role.url, chainKey }, systemClock);
    for (let i = 1; i <= 3; i++) await sink.write(record(i));
    stream = sink.streamId;
    await sink.close();
    // The untouched trail verifies with the key, and not with another key.
    expect(await verify(db, chainKey)).toMatchObject({ code: 0 });
    expect((await verify(db, `${chainKey}-not-it`)).code).toBe(1);
  });
  afterEach(async () => {
    await asGateway?.end();
    await role?.drop();
    await db?.drop();
  });

  it("a whole forged stream (a fake admin grant) is refused by audit:verify", async () => {
    await insertChain(asGateway, db.settings.schema, "gateway-forged.1", { seq: 0, prevHash: genesisHash }, [
      record(10, { event: "ADMIN_ADD_TO_GROUP", outcome: "INTENT", actor: "cli", subject: "attacker-sub" }),
      record(11, { event: "ADMIN_ADD_TO_GROUP", outcome: "SUCCESS", actor: "cli", subject: "attacker-sub", reason: "admin" }),
    ]);
    const result = await verify(db, chainKey);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/BROKEN stream gateway-forged\.1 at seq 1/);
  });

  it("a record appended after a stream's CLOSE checkpoint is refused by audit:verify", async () => {
    const { rows } = await asGateway.query<{ seq: string; hash: string }>(`SELECT seq::text AS seq, hash FROM "${db.settings.schema}".audit_events WHERE stream = $1 ORDER BY seq DESC LIMIT 1`, [stream]);
    await insertChain(asGateway, db.settings.schema, stream, { seq: Number(rows[0]!.seq), prevHash: rows[0]!.hash }, [record(20, { event: "EMERGENCY_ACCESS_REVIEW", reason: "JUSTIFIED" })]);
    const result = await verify(db, chainKey);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`BROKEN stream ${stream} at seq 4`);
  });

  it("60 calls of audit_ensure_partition create at most the current and the next month", async () => {
    const partitions = async () => Number((await db.admin.query(`SELECT count(*) FROM pg_inherits WHERE inhparent = '"${db.settings.schema}".audit_events'::regclass`)).rows[0].count);
    const before = await partitions();
    const now = new Date();
    for (let i = 0; i < 60; i++) {
      const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i - 10, 15)).toISOString();
      await asGateway.query(`SELECT "${db.settings.schema}".audit_ensure_partition($1)`, [month]).catch(() => undefined);
    }
    expect((await partitions()) - before).toBeLessThanOrEqual(2);
    // The months the sink needs still work for the role.
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2)).toISOString();
    await expect(asGateway.query(`SELECT "${db.settings.schema}".audit_ensure_partition($1)`, [next])).resolves.toBeDefined();
  });
});

import { randomBytes } from "node:crypto";
import { Pool } from "pg";
import type { AuditDatabaseSettings } from "../../src/config";

/** The machine's PostgreSQL (trust auth, database `test`); nothing else is assumed. */
export const testDatabaseUrl = process.env["TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

export type AuditDb = {
  settings: AuditDatabaseSettings;
  /** A superuser connection, for what the gateway's role may not do. */
  admin: Pool;
  drop(): Promise<void>;
};

/** A schema of its own for this test file (created by the sink's migrations), dropped afterwards. */
export const auditDb = (overrides: Partial<AuditDatabaseSettings> = {}): AuditDb => {
  const schema = `audit_test_${randomBytes(6).toString("hex")}`;
  const admin = new Pool({ connectionString: testDatabaseUrl, max: 2 });
  admin.on("error", () => {});
  return {
    // A shared CI disk can take seconds to fsync a commit while other jobs write; the deadline itself is
    // tested with a lock (postgres-gateways), so the default here only has to avoid false failures.
    settings: { url: testDatabaseUrl, schema, writeTimeoutMs: 10_000, synchronousCommit: "on", checkpointRecords: 1000, checkpointSeconds: 300, retentionDays: 2190, ...overrides },
    admin,
    drop: async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
};

/** Runs `sql` with triggers off (superuser only), as an attacker with the owner's rights could. */
export const tamper = async (admin: Pool, sql: string, params: unknown[] = []): Promise<void> => {
  const client = await admin.connect();
  try {
    await client.query("SET session_replication_role = replica");
    await client.query(sql, params);
  } finally {
    await client.query("RESET session_replication_role");
    client.release();
  }
};

/**
 * A login role with only what README grants the gateway: INSERT and SELECT on the two tables, SELECT on
 * the migrations list, EXECUTE on the partition function. Returns its connection URL and a drop.
 */
export const gatewayRole = async (db: AuditDb): Promise<{ name: string; url: string; drop(): Promise<void> }> => {
  const name = `${db.settings.schema}_gw`;
  const s = `"${db.settings.schema}"`;
  await db.admin.query(`CREATE ROLE ${name} LOGIN`);
  await db.admin.query(`GRANT USAGE ON SCHEMA ${s} TO ${name}`);
  await db.admin.query(`GRANT SELECT, INSERT ON ${s}.audit_events, ${s}.audit_checkpoints TO ${name}`);
  await db.admin.query(`GRANT SELECT ON ${s}.audit_migrations TO ${name}`);
  await db.admin.query(`GRANT EXECUTE ON FUNCTION ${s}.audit_ensure_partition(timestamptz) TO ${name}`);
  const url = new URL(db.settings.url);
  url.username = name;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await db.admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [name]);
      await db.admin.query(`DROP OWNED BY ${name}`);
      await db.admin.query(`DROP ROLE ${name}`);
    },
  };
};

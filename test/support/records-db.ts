import { randomBytes } from "node:crypto";
import { Pool } from "pg";
import { migrateRecords } from "../../src/db/migrations";
import { createDatabasePool } from "../../src/db/pool";
import { guardPool } from "../../src/shared/guard-pool";
import { testDatabaseUrl } from "./audit-db";

export type RecordsDb = { pool: Pool; schema: string; url: string; drop(): Promise<void> };

/** The lasting records in a schema of their own (migrated), on the machine's PostgreSQL; dropped afterwards. */
export const recordsDb = async (): Promise<RecordsDb> => {
  const schema = `records_test_${randomBytes(6).toString("hex")}`;
  const pool = createDatabasePool({ url: testDatabaseUrl, statementTimeoutMs: 10_000 }, "records-test");
  await migrateRecords(pool, schema);
  return {
    pool,
    schema,
    url: testDatabaseUrl,
    drop: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
};

/** A database of its own for a test that starts gateway processes (DATABASE_URL), dropped afterwards. */
export const scratchDatabase = async (baseUrl = testDatabaseUrl): Promise<{ url: string; admin: Pool; drop(): Promise<void> }> => {
  const name = `gw_test_${randomBytes(6).toString("hex")}`;
  // Guarded (pool and clients): a connection the server ends must not crash the test worker.
  const admin = guardPool(new Pool({ connectionString: baseUrl, max: 2 }));
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    admin,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
};

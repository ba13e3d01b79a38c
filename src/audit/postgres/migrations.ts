import type { Pool, PoolClient } from "pg";
import { appendOnlyEvents } from "./migrations/001-append-only-events";
import { keyedStreams } from "./migrations/002-keyed-streams";
import { auditTables, ident } from "./sql";

/** Ordered, never edited once shipped: a change is a new entry. */
export const migrations: readonly { id: string; sql: (schema: string) => string }[] = [
  { id: "001-append-only-events", sql: appendOnlyEvents },
  { id: "002-keyed-streams", sql: keyedStreams },
];

const undefinedTable = "42P01";
const invalidSchema = "3F000";

const appliedIds = async (db: Pick<PoolClient, "query">, schema: string): Promise<Set<string>> => {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM ${auditTables(schema).migrations}`);
  return new Set(rows.map((r) => r.id));
};

/**
 * Brings the schema up to date; returns the migrations it applied. When everything is applied already
 * it only reads, so a gateway role without CREATE privileges starts fine after `npm run migrate`.
 * Two instances starting together serialise on an advisory lock.
 */
export const migrate = async (pool: Pick<Pool, "connect">, schema: string): Promise<string[]> => {
  const client = await pool.connect();
  try {
    try {
      const applied = await appliedIds(client, schema);
      if (migrations.every((m) => applied.has(m.id))) return [];
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== undefinedTable && code !== invalidSchema) throw error;
    }
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`audit-migrate:${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${auditTables(schema).migrations} (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      const applied = await appliedIds(client, schema);
      const done: string[] = [];
      for (const migration of migrations) {
        if (applied.has(migration.id)) continue;
        await client.query(migration.sql(schema));
        await client.query(`INSERT INTO ${auditTables(schema).migrations} (id) VALUES ($1)`, [migration.id]);
        done.push(migration.id);
      }
      await client.query("COMMIT");
      return done;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    }
  } finally {
    client.release();
  }
};

import type { Pool, PoolClient } from "pg";
import { ident } from "../audit/postgres/sql";
import { lastingRecords } from "./migrations/001-lasting-records";
import { storeGeneration } from "./migrations/002-store-generation";
import { outbox } from "./migrations/003-outbox";
import { emailChanges } from "./migrations/004-email-changes";
import { enrolledTotp } from "./migrations/005-enrolled-totp";

/** Ordered, never edited once shipped: a change is a new entry. */
export const migrations: readonly { id: string; sql: (schema: string) => string }[] = [
  { id: "001-lasting-records", sql: lastingRecords },
  { id: "002-store-generation", sql: storeGeneration },
  { id: "003-outbox", sql: outbox },
  { id: "004-email-changes", sql: emailChanges },
  { id: "005-enrolled-totp", sql: enrolledTotp },
];

const undefinedTable = "42P01";
const invalidSchema = "3F000";
const migrationsTable = (schema: string) => `${ident(schema)}.schema_migrations`;

const appliedIds = async (db: Pick<PoolClient, "query">, schema: string): Promise<Set<string>> => {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM ${migrationsTable(schema)}`);
  return new Set(rows.map((r) => r.id));
};

/** Every migration applied? Start-up refuses to run on a schema that is behind (run `npm run migrate`). */
export const pendingMigrations = async (pool: Pick<Pool, "query">, schema: string): Promise<string[]> => {
  try {
    const applied = await appliedIds(pool, schema);
    return migrations.filter((m) => !applied.has(m.id)).map((m) => m.id);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === undefinedTable || code === invalidSchema) return migrations.map((m) => m.id);
    throw error;
  }
};

/**
 * Brings the lasting records' schema up to date in one transaction; returns the migrations it applied. Two
 * runs at once serialise on an advisory lock; an up-to-date schema is only read.
 */
export const migrateRecords = async (pool: Pick<Pool, "connect" | "query">, schema: string): Promise<string[]> => {
  if ((await pendingMigrations(pool, schema)).length === 0) return [];
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`records-migrate:${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${migrationsTable(schema)} (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      const applied = await appliedIds(client, schema);
      const done: string[] = [];
      for (const migration of migrations) {
        if (applied.has(migration.id)) continue;
        await client.query(migration.sql(schema));
        await client.query(`INSERT INTO ${migrationsTable(schema)} (id) VALUES ($1)`, [migration.id]);
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

import type { Pool, PoolClient } from "pg";

export type Migration = { readonly id: string; readonly sql: (schema: string) => string };

type Runner = {
  migrations: readonly Migration[];
  /** The schema's quoted name, and the table that lists what was applied (both SQL-safe already). */
  schemaSql: (schema: string) => string;
  appliedTable: (schema: string) => string;
  /** Advisory-lock name: two runs at once serialise on it. */
  lock: string;
};

const undefinedTable = "42P01";
const invalidSchema = "3F000";

/**
 * Versioned migrations for one schema: ordered, never edited once shipped (a change is a new entry), applied
 * in one transaction under an advisory lock. An up-to-date schema is only read, so a role without CREATE
 * privileges starts fine after `npm run migrate`.
 */
export const migrationRunner = ({ migrations, schemaSql, appliedTable, lock }: Runner) => {
  const pending = async (db: Pick<PoolClient, "query">, schema: string): Promise<string[]> => {
    try {
      const { rows } = await db.query<{ id: string }>(`SELECT id FROM ${appliedTable(schema)}`);
      const applied = new Set(rows.map((r) => r.id));
      return migrations.filter((m) => !applied.has(m.id)).map((m) => m.id);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === undefinedTable || code === invalidSchema) return migrations.map((m) => m.id);
      throw error;
    }
  };

  /** Brings the schema up to date; returns the ids it applied. */
  const migrate = async (pool: Pick<Pool, "connect">, schema: string): Promise<string[]> => {
    const client = await pool.connect();
    try {
      if ((await pending(client, schema)).length === 0) return [];
      await client.query("BEGIN");
      try {
        await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${lock}:${schema}`]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schemaSql(schema)}`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${appliedTable(schema)} (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
        const todo = new Set(await pending(client, schema));
        const done: string[] = [];
        for (const migration of migrations) {
          if (!todo.has(migration.id)) continue;
          await client.query(migration.sql(schema));
          await client.query(`INSERT INTO ${appliedTable(schema)} (id) VALUES ($1)`, [migration.id]);
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

  return { pending, migrate };
};

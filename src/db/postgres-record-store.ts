import type { Pool } from "pg";
import { ident } from "../audit/postgres/sql";
import { assertTtl, type StateStore } from "../store/state-store";
import { parseStoredList } from "../shared/stored-record";
import { databaseUnavailable } from "./pool";
import { recordKindNames, recordKindOf, type RecordKind } from "./record-kinds";

const live = "expires_at > now()";
const expiresIn = "now() + make_interval(secs => $3::double precision)";

/**
 * The StateStore contract over PostgreSQL, for the lasting record kinds: each key goes to its kind's table.
 * Every operation is one statement, so the atomicity the services rely on (set-if-absent, take, increment,
 * bounded push, set membership) holds across gateway instances exactly as with Redis.
 */
export class PostgresRecordStore implements StateStore {
  private readonly tables: Record<RecordKind, string>;

  constructor(private readonly deps: { pool: Pick<Pool, "query">; schema: string }) {
    this.tables = Object.fromEntries(recordKindNames.map((kind) => [kind, `${ident(deps.schema)}.${ident(kind)}`])) as Record<RecordKind, string>;
  }

  private table(key: string): string {
    const kind = recordKindOf(key);
    if (!kind) throw new RangeError(`not a lasting record key: ${key.split(":")[0]}`);
    return this.tables[kind];
  }

  private async query<R extends Record<string, unknown>>(sql: string, params: unknown[]): Promise<R[]> {
    const result = await this.deps.pool.query<R>(sql, params).catch(databaseUnavailable);
    return result.rows;
  }

  async get(key: string): Promise<string | undefined> {
    const rows = await this.query<{ value: string }>(`SELECT value FROM ${this.table(key)} WHERE key = $1 AND member = '' AND ${live}`, [key]);
    return rows[0]?.value ?? undefined;
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    return (await this.getManyWithLife(keys)).map((found) => found?.value);
  }

  /** As getMany, with each live value's remaining life in whole seconds (rounded down): what a copy may keep it for. */
  async getManyWithLife(keys: readonly string[]): Promise<({ value: string; secondsLeft: number } | undefined)[]> {
    if (keys.length === 0) return [];
    const byTable = new Map<string, string[]>();
    for (const key of keys) byTable.set(this.table(key), [...(byTable.get(this.table(key)) ?? []), key]);
    const params: unknown[] = [];
    const parts = [...byTable].map(([table, wanted]) => {
      params.push(wanted);
      return `SELECT key, value, floor(extract(epoch FROM expires_at - now()))::bigint AS left FROM ${table} WHERE key = ANY($${params.length}::text[]) AND member = '' AND ${live}`;
    });
    const rows = await this.query<{ key: string; value: string; left: string }>(parts.join(" UNION ALL "), params);
    const found = new Map(rows.map((r) => [r.key, { value: r.value, secondsLeft: Number(r.left) }]));
    return keys.map((key) => found.get(key));
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    await this.query(
      `INSERT INTO ${this.table(key)} AS t (key, member, value, expires_at) VALUES ($1, '', $2, ${expiresIn})
       ON CONFLICT (key, member) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at, updated_at = now()`,
      [key, value, ttlSeconds],
    );
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    assertTtl(ttlSeconds);
    const rows = await this.query(
      `INSERT INTO ${this.table(key)} AS t (key, member, value, expires_at) VALUES ($1, '', $2, ${expiresIn})
       ON CONFLICT (key, member) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at, updated_at = now() WHERE t.expires_at <= now()
       RETURNING 1`,
      [key, value, ttlSeconds],
    );
    return rows.length === 1;
  }

  async replaceIf(key: string, expected: string | undefined, next: string | undefined, ttlSeconds: number): Promise<boolean> {
    assertTtl(ttlSeconds);
    if (expected === undefined) return next === undefined ? (await this.get(key)) === undefined : this.setIfAbsent(key, next, ttlSeconds);
    const rows =
      next === undefined
        ? await this.query(`DELETE FROM ${this.table(key)} WHERE key = $1 AND member = '' AND value = $2 AND ${live} RETURNING 1`, [key, expected])
        : await this.query(
            `UPDATE ${this.table(key)} SET value = $4, expires_at = ${expiresIn}, updated_at = now() WHERE key = $1 AND member = '' AND value = $2 AND ${live} RETURNING 1`,
            [key, expected, ttlSeconds, next],
          );
    return rows.length === 1;
  }

  async take(key: string): Promise<string | undefined> {
    const rows = await this.query<{ value: string; alive: boolean }>(`DELETE FROM ${this.table(key)} WHERE key = $1 AND member = '' RETURNING value, ${live} AS alive`, [key]);
    return rows[0]?.alive ? rows[0].value : undefined;
  }

  async delete(key: string): Promise<void> {
    await this.query(`DELETE FROM ${this.table(key)} WHERE key = $1`, [key]);
  }

  async increment(key: string, by: number, ttlSeconds: number): Promise<number> {
    assertTtl(ttlSeconds);
    // Like Redis INCRBY + EXPIRE NX: a new (or expired) counter gets the TTL, a live one keeps its own.
    const rows = await this.query<{ value: string }>(
      `INSERT INTO ${this.table(key)} AS t (key, member, value, expires_at) VALUES ($1, '', $2::bigint::text, ${expiresIn})
       ON CONFLICT (key, member) DO UPDATE SET
         value = (CASE WHEN t.expires_at > now() THEN t.value::bigint ELSE 0 END + $2::bigint)::text,
         expires_at = CASE WHEN t.expires_at > now() THEN t.expires_at ELSE EXCLUDED.expires_at END, updated_at = now()
       RETURNING value`,
      [key, by, ttlSeconds],
    );
    return Number(rows[0]?.value);
  }

  async pushBounded(key: string, value: string, maxLength: number, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    await this.query(
      `INSERT INTO ${this.table(key)} AS t (key, member, value, expires_at) VALUES ($1, '', jsonb_build_array($2::text)::text, ${expiresIn})
       ON CONFLICT (key, member) DO UPDATE SET
         value = (SELECT COALESCE(jsonb_agg(e ORDER BY n), '[]'::jsonb) FROM jsonb_array_elements(
                   jsonb_build_array($2::text) || CASE WHEN t.expires_at > now() THEN t.value::jsonb ELSE '[]'::jsonb END
                 ) WITH ORDINALITY AS x(e, n) WHERE n <= $4)::text,
         expires_at = EXCLUDED.expires_at, updated_at = now()`,
      [key, value, ttlSeconds, maxLength],
    );
  }

  async list(key: string): Promise<string[]> {
    return parseStoredList(await this.get(key));
  }

  async addToSet(key: string, member: string, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    // Each member row carries the expiry of its own add; the set lives until the latest of them, as Redis
    // EXPIRE on every add does for the whole key. (Renewing the other rows instead could deadlock two adds.)
    await this.query(
      `INSERT INTO ${this.table(key)} AS t (key, member, expires_at) VALUES ($1, $2, ${expiresIn})
       ON CONFLICT (key, member) DO UPDATE SET expires_at = EXCLUDED.expires_at, updated_at = now()`,
      [key, `m:${member}`, ttlSeconds],
    );
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    await this.query(`DELETE FROM ${this.table(key)} WHERE key = $1 AND member = $2`, [key, `m:${member}`]);
  }

  async members(key: string): Promise<string[]> {
    const table = this.table(key);
    const rows = await this.query<{ member: string }>(
      `SELECT member FROM ${table} WHERE key = $1 AND member <> '' AND (SELECT max(expires_at) FROM ${table} WHERE key = $1 AND member <> '') > now()`,
      [key],
    );
    return rows.map((r) => r.member.slice(2));
  }

  async ping(): Promise<void> {
    await this.query("SELECT 1", []);
  }

  /** The pool belongs to whoever opened it (the tiered store's owner). */
  async close(): Promise<void> {}
}

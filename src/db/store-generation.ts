import type { Pool } from "pg";
import { ident } from "../audit/postgres/sql";
import type { StateStore } from "../store/state-store";
import { databaseUnavailable } from "./pool";

/** A short list in the ephemeral store: concurrent raises cannot lower it, and its maximum is the marker. */
export const generationKey = "store-generation";
const markerLength = 16;
const markerTtlSeconds = 10 * 365 * 24 * 3600;

export type StoreVerdict = "CURRENT" | "BEHIND" | "EMPTIED";

export type GenerationDeps = {
  pool: Pick<Pool, "query">;
  schema: string;
  /** The ephemeral store's namespace (its Redis key prefix): each keeps its own generation in the schema. */
  namespace: string;
  ephemeral: StateStore;
  /** Ends every session in the ephemeral store (and everything else in it): the fail-closed answer to a stale store. */
  wipe: () => Promise<void>;
  /**
   * The marker where releases before the `<prefix>|` key layout keep it (RedisStore.legacyView). Written with
   * every advance and counted in every check, so a rolling upgrade that runs both releases on one Redis finds
   * it current on both sides: without it each side's advances left the other's marker behind, and the older
   * release's wipe (every key under the prefix, the new layout's too) ended every session every 30 s.
   */
  legacy?: Pick<StateStore, "list" | "pushBounded">;
};

/**
 * The store generation: a number kept in PostgreSQL and mirrored in the ephemeral store, moved on by every
 * ended session and every check; so a store restored from an older snapshot carries a smaller number than
 * PostgreSQL recorded, and an emptied one none. Either way the store's sessions are not to be trusted:
 * it is wiped (every session made before must sign in again) and brought to a new generation. Locks,
 * disables and every other lasting record come from PostgreSQL and are untouched.
 */
export class StoreGeneration {
  private readonly table: string;
  private readonly schemaWide: string;
  private readonly sequence: string;

  constructor(private readonly deps: GenerationDeps) {
    this.table = `${ident(deps.schema)}.store_generation_of`;
    this.schemaWide = `${ident(deps.schema)}.store_generation`;
    this.sequence = `${ident(deps.schema)}.store_generation_numbers`.replace(/'/g, "''");
  }

  private async marker(): Promise<number | undefined> {
    const entries = [...(await this.deps.ephemeral.list(generationKey)), ...(await this.legacyEntries())];
    return entries.length === 0 ? undefined : Math.max(...entries.map(Number));
  }

  /** The older layout's marker is a courtesy to a release running beside this one: when it cannot be read, this check goes by its own. */
  private async legacyEntries(): Promise<string[]> {
    return (await this.deps.legacy?.list(generationKey).catch(() => [])) ?? [];
  }

  private async recorded(): Promise<number> {
    // A namespace's first check starts from the schema-wide generation (what releases before namespaces advanced).
    const { rows } = await this.deps.pool
      .query<{ generation: string }>(
        `WITH seeded AS (INSERT INTO ${this.table} (namespace, generation) SELECT $1, generation FROM ${this.schemaWide} WHERE id = 1 ON CONFLICT (namespace) DO NOTHING RETURNING generation)
         SELECT generation FROM seeded UNION ALL SELECT generation FROM ${this.table} WHERE namespace = $1`,
        [this.deps.namespace],
      )
      .catch(databaseUnavailable);
    return Number(rows[0]?.generation ?? 0);
  }

  /**
   * A new number from the sequence goes to the store first and is recorded in PostgreSQL after: whatever
   * PostgreSQL records, a current store already holds. Concurrent advances (other instances, other logouts)
   * can therefore never make a current store look behind; a crash between the two steps only leaves a number
   * unrecorded.
   */
  async advance(): Promise<number> {
    const { rows } = await this.deps.pool.query<{ n: string }>(`SELECT nextval('${this.sequence}') AS n`).catch(databaseUnavailable);
    const generation = Number(rows[0]?.n);
    await this.deps.ephemeral.pushBounded(generationKey, String(generation), markerLength, markerTtlSeconds);
    await this.deps.legacy?.pushBounded(generationKey, String(generation), markerLength, markerTtlSeconds).catch(() => undefined);
    await this.deps.pool
      .query(
        `INSERT INTO ${this.table} AS t (namespace, generation) VALUES ($2, $1)
         ON CONFLICT (namespace) DO UPDATE SET generation = GREATEST(t.generation, EXCLUDED.generation), changed_at = now()`,
        [generation, this.deps.namespace],
      )
      .catch(databaseUnavailable);
    return generation;
  }

  /** Compares the two; a store behind or emptied is wiped before it serves anything, then brought forward. */
  async check(): Promise<StoreVerdict> {
    // PostgreSQL before the store: what it recorded had reached the store before it was recorded.
    const recorded = await this.recorded();
    const marker = await this.marker();
    const verdict: StoreVerdict = marker === undefined ? "EMPTIED" : marker < recorded ? "BEHIND" : "CURRENT";
    if (verdict !== "CURRENT") await this.deps.wipe();
    await this.advance();
    return verdict;
  }
}

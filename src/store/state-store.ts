/**
 * Shared gateway state (challenge handles, sessions, deny-list, account flags). Everything that must
 * survive a restart or be seen by a second gateway instance goes through this interface; values are
 * strings (JSON where structured) and every write carries a TTL so nothing lingers forever.
 */
export interface StateStore {
  get(key: string): Promise<string | undefined>;
  /** One round trip for several keys (the per-request checks use it). */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Writes only when the key is absent; true when this call wrote it. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /**
   * Compare-and-set: only while the key holds `expected` (undefined: is absent), writes `next` (undefined: deletes
   * it); true when this call did. Of several callers that read the same value, exactly one replaces it.
   */
  replaceIf(key: string, expected: string | undefined, next: string | undefined, ttlSeconds: number): Promise<boolean>;
  /** Atomically reads and deletes: of many concurrent takers, exactly one gets the value. */
  take(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
  /** Atomically adds `by` (may be negative) and returns the new value; a new counter gets the TTL. */
  increment(key: string, by: number, ttlSeconds: number): Promise<number>;
  /** Prepends to a list, keeps the newest `maxLength` entries, renews the TTL (atomic). */
  pushBounded(key: string, value: string, maxLength: number, ttlSeconds: number): Promise<void>;
  /** A list, newest first; empty when there is none. */
  list(key: string): Promise<string[]>;
  /** Adds a member to a set (atomic, safe under concurrency) and sets the set's TTL. */
  addToSet(key: string, member: string, ttlSeconds: number): Promise<void>;
  removeFromSet(key: string, member: string): Promise<void>;
  /** The members of a set; empty when there is none. */
  members(key: string): Promise<string[]>;
  /** Verifies the store answers (readiness). Throws when it does not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const assertTtl = (ttlSeconds: number): void => {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError(`TTL must be a positive whole number of seconds, got ${ttlSeconds}`);
};

/** Reads several keys in one round trip and hands them back by name, not by position. */
export const readNamed = async <K extends string>(store: Pick<StateStore, "getMany">, keys: Record<K, string>): Promise<Record<K, string | undefined>> => {
  const names = Object.keys(keys) as K[];
  const wanted: string[] = [];
  for (const name of names) wanted.push(keys[name]);
  const values = await store.getMany(wanted);
  // A plain loop: this runs on every authenticated request.
  const named = {} as Record<K, string | undefined>;
  for (let i = 0; i < names.length; i++) named[names[i]!] = values[i];
  return named;
};

/** A store layered over another (the durable tier's tiered store): what may be lost lives in `ephemeral`. */
export type LayeredStore = StateStore & { readonly ephemeral: StateStore };

/** The store that holds what may be lost (limiter counters go there): the store itself unless it is layered. */
export const ephemeralOf = (store: StateStore): StateStore => ("ephemeral" in store ? (store as LayeredStore).ephemeral : store);

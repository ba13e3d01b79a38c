import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { StateStore } from "../store/state-store";
import { LastingMirror } from "./lasting-mirror";
import type { PostgresRecordStore } from "./postgres-record-store";
import { recordKindOf } from "./record-kinds";

/** A key whose removal ends a session: the store generation moves on, so a snapshot taken before cannot revive it. */
const endsSession = (key: string) => key.startsWith("session:");

export type TieredStoreDeps = {
  /** Sessions, handles, limiter counters, caches: may be lost (Redis; memory in dev). */
  ephemeral: StateStore;
  /** Everything that must survive a restart (PostgreSQL). */
  lasting: StateStore & Pick<PostgresRecordStore, "getManyWithLife">;
  /** Called after a session ended (awaited: the logout is answered once the generation moved on). */
  onSessionEnded?: () => Promise<void>;
};

/**
 * One StateStore for the services, two tiers behind it: each key goes to the lasting tier when it names a
 * lasting record kind, else to the ephemeral tier. Until the ephemeral tier is known to be current (start-up,
 * after a reconnect), every operation on it fails closed: a restored old snapshot could otherwise revive a
 * session that had ended. The per-request reads of lasting records come from a copy in the ephemeral tier
 * while it is current (lasting-mirror.ts), in the same round trip as the session's keys.
 */
export class TieredStore implements StateStore {
  private verified = false;
  private readonly mirror: LastingMirror;

  constructor(private readonly deps: TieredStoreDeps) {
    this.mirror = new LastingMirror({ ephemeral: deps.ephemeral, lasting: deps.lasting });
  }

  /** A lasting write retires every mirrored copy before it is made (or is not made) and again after. */
  private async lastingWrite<T>(write: (lasting: StateStore) => Promise<T>): Promise<T> {
    await this.mirror.invalidate();
    try {
      return await write(this.deps.lasting);
    } finally {
      // Best effort: the first move already retired every copy made before; one made during the write lives mirrorMaxSeconds at most.
      await this.mirror.invalidate().catch(() => undefined);
    }
  }

  /** Sends a write to its tier; lasting writes retire the mirror's copies. */
  private write<T>(key: string, op: (store: StateStore) => Promise<T>): Promise<T> {
    return recordKindOf(key) !== undefined ? this.lastingWrite(op) : op(this.tier(key));
  }

  get ephemeral(): StateStore {
    return this.deps.ephemeral;
  }

  get lasting(): StateStore {
    return this.deps.lasting;
  }

  /** The ephemeral tier is current (its generation matches PostgreSQL's) or not known to be. */
  setVerified(verified: boolean): void {
    this.verified = verified;
  }

  get isVerified(): boolean {
    return this.verified;
  }

  private tier(key: string): StateStore {
    if (recordKindOf(key) !== undefined) return this.deps.lasting;
    if (!this.verified) throw new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "STATE_STORE_UNVERIFIED" });
    return this.deps.ephemeral;
  }

  async get(key: string): Promise<string | undefined> {
    return this.tier(key).get(key);
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    // One look at each key (this runs for every request's keys).
    const lastingKeys: string[] = [];
    const ephemeralKeys: string[] = [];
    for (const k of keys) (recordKindOf(k) === undefined ? ephemeralKeys : lastingKeys).push(k);
    if (lastingKeys.length === 0) return keys.length === 0 ? [] : this.tier(keys[0]!).getMany(keys);
    // Only lasting keys while the ephemeral tier is not known to be current: straight from PostgreSQL, as before.
    if (ephemeralKeys.length === 0 && !this.verified) return this.deps.lasting.getMany(keys);
    // One ephemeral round trip for the request's own keys and the mirror's copies of the lasting ones.
    const mirrorKeys = this.mirror.mirrorKeys(lastingKeys);
    const fromEphemeral = await this.tier(ephemeralKeys[0] ?? mirrorKeys[0]!).getMany([...ephemeralKeys, ...mirrorKeys]);
    const fromLasting = await this.mirror.resolve(lastingKeys, fromEphemeral.slice(ephemeralKeys.length));
    const found = new Map<string, string | undefined>();
    lastingKeys.forEach((k, i) => found.set(k, fromLasting[i]));
    ephemeralKeys.forEach((k, i) => found.set(k, fromEphemeral[i]));
    return keys.map((k) => found.get(k));
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    return this.write(key, (store) => store.set(key, value, ttlSeconds));
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    return this.write(key, (store) => store.setIfAbsent(key, value, ttlSeconds));
  }

  async replaceIf(key: string, expected: string | undefined, next: string | undefined, ttlSeconds: number): Promise<boolean> {
    return this.write(key, (store) => store.replaceIf(key, expected, next, ttlSeconds));
  }

  async take(key: string): Promise<string | undefined> {
    const value = await this.write(key, (store) => store.take(key));
    if (value !== undefined && endsSession(key)) await this.deps.onSessionEnded?.();
    return value;
  }

  async delete(key: string): Promise<void> {
    return this.write(key, (store) => store.delete(key));
  }

  async increment(key: string, by: number, ttlSeconds: number): Promise<number> {
    return this.write(key, (store) => store.increment(key, by, ttlSeconds));
  }

  async pushBounded(key: string, value: string, maxLength: number, ttlSeconds: number): Promise<void> {
    return this.write(key, (store) => store.pushBounded(key, value, maxLength, ttlSeconds));
  }

  async list(key: string): Promise<string[]> {
    return this.tier(key).list(key);
  }

  async addToSet(key: string, member: string, ttlSeconds: number): Promise<void> {
    return this.write(key, (store) => store.addToSet(key, member, ttlSeconds));
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    return this.write(key, (store) => store.removeFromSet(key, member));
  }

  async members(key: string): Promise<string[]> {
    return this.tier(key).members(key);
  }

  async ping(): Promise<void> {
    await Promise.all([this.deps.ephemeral.ping(), this.deps.lasting.ping()]);
    if (!this.verified) throw new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "STATE_STORE_UNVERIFIED" });
  }

  async close(): Promise<void> {
    await Promise.all([this.deps.ephemeral.close(), this.deps.lasting.close()]);
  }
}

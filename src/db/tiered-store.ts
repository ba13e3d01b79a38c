import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { StateStore } from "../store/state-store";
import { recordKindOf } from "./record-kinds";

/** A key whose removal ends a session: the store generation moves on, so a snapshot taken before cannot revive it. */
const endsSession = (key: string) => key.startsWith("session:");

export type TieredStoreDeps = {
  /** Sessions, handles, limiter counters, caches: may be lost (Redis; memory in dev). */
  ephemeral: StateStore;
  /** Everything that must survive a restart (PostgreSQL). */
  lasting: StateStore;
  /** Called after a session ended (awaited: the logout is answered once the generation moved on). */
  onSessionEnded?: () => Promise<void>;
};

/**
 * One StateStore for the services, two tiers behind it: each key goes to the lasting tier when it names a
 * lasting record kind, else to the ephemeral tier. Until the ephemeral tier is known to be current (start-up,
 * after a reconnect), every operation on it fails closed: a restored old snapshot could otherwise revive a
 * session that had ended.
 */
export class TieredStore implements StateStore {
  private verified = false;

  constructor(private readonly deps: TieredStoreDeps) {}

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
    const lastingKeys = keys.filter((k) => recordKindOf(k) !== undefined);
    if (lastingKeys.length === 0) return keys.length === 0 ? [] : this.tier(keys[0]!).getMany(keys);
    const ephemeralKeys = keys.filter((k) => recordKindOf(k) === undefined);
    if (ephemeralKeys.length === 0) return this.deps.lasting.getMany(keys);
    const [fromLasting, fromEphemeral] = await Promise.all([this.deps.lasting.getMany(lastingKeys), this.tier(ephemeralKeys[0]!).getMany(ephemeralKeys)]);
    const found = new Map<string, string | undefined>();
    lastingKeys.forEach((k, i) => found.set(k, fromLasting[i]));
    ephemeralKeys.forEach((k, i) => found.set(k, fromEphemeral[i]));
    return keys.map((k) => found.get(k));
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    return this.tier(key).set(key, value, ttlSeconds);
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    return this.tier(key).setIfAbsent(key, value, ttlSeconds);
  }

  async take(key: string): Promise<string | undefined> {
    const value = await this.tier(key).take(key);
    if (value !== undefined && endsSession(key)) await this.deps.onSessionEnded?.();
    return value;
  }

  async delete(key: string): Promise<void> {
    return this.tier(key).delete(key);
  }

  async increment(key: string, by: number, ttlSeconds: number): Promise<number> {
    return this.tier(key).increment(key, by, ttlSeconds);
  }

  async pushBounded(key: string, value: string, maxLength: number, ttlSeconds: number): Promise<void> {
    return this.tier(key).pushBounded(key, value, maxLength, ttlSeconds);
  }

  async list(key: string): Promise<string[]> {
    return this.tier(key).list(key);
  }

  async addToSet(key: string, member: string, ttlSeconds: number): Promise<void> {
    return this.tier(key).addToSet(key, member, ttlSeconds);
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    return this.tier(key).removeFromSet(key, member);
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

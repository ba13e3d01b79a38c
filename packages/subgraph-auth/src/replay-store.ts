/**
 * Where used assertion ids (`jti`) are remembered until they expire. One subgraph instance: the default
 * in-memory store. Several instances: share one, e.g. with ioredis
 * `{ setIfAbsent: (k, v, ttl) => redis.set(k, v, "EX", ttl, "NX").then((r) => r === "OK") }`.
 */
export interface ReplayStore {
  /** Stores the key for `ttlSeconds` if it is not there yet; resolves false if it was. Atomic. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
}

/** Milliseconds since the epoch; injected so tests move time instead of sleeping. */
export type Clock = { now(): number };

export const systemClock: Clock = { now: () => Date.now() };

/** A bounded in-process ReplayStore: expired entries are dropped as new ones arrive. */
export class MemoryReplayStore implements ReplayStore {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly clock: Clock = systemClock) {}

  setIfAbsent(key: string, _value: string, ttlSeconds: number): Promise<boolean> {
    const now = this.clock.now();
    const until = this.expiries.get(key);
    if (until !== undefined && until > now) return Promise.resolve(false);
    this.prune(now);
    this.expiries.set(key, now + ttlSeconds * 1000);
    return Promise.resolve(true);
  }

  /** Entries are inserted in time order with (nearly) equal TTLs: the oldest ones are at the front. */
  private prune(now: number): void {
    for (const [key, until] of this.expiries) {
      if (until > now) break;
      this.expiries.delete(key);
    }
  }
}

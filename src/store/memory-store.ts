import type { Clock } from "../shared/clock";
import { assertTtl, type StateStore } from "./state-store";
import { parseStoredList } from "../shared/stored-record";

type Entry = { value: string; expiresAt: number };
type SetEntry = { members: Set<string>; expiresAt: number };

/** Single-instance store. Expiry is decided by the injected clock, so TTL behaviour is testable. */
export class MemoryStore implements StateStore {
  private readonly entries = new Map<string, Entry>();
  private readonly sets = new Map<string, SetEntry>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly clock: Clock, sweepEveryMs = 60_000) {
    if (sweepEveryMs > 0) {
      this.sweepTimer = setInterval(() => this.sweep(), sweepEveryMs);
      this.sweepTimer.unref();
    }
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private liveSet(key: string): SetEntry | undefined {
    const entry = this.sets.get(key);
    if (entry && entry.expiresAt <= this.clock.now()) {
      this.sets.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    for (const [key, entry] of this.sets) if (entry.expiresAt <= now) this.sets.delete(key);
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    return keys.map((key) => this.live(key)?.value);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlSeconds * 1000 });
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    if (this.live(key)) return false;
    await this.set(key, value, ttlSeconds);
    return true;
  }

  async replaceIf(key: string, expected: string | undefined, next: string | undefined, ttlSeconds: number): Promise<boolean> {
    assertTtl(ttlSeconds);
    if (this.live(key)?.value !== expected) return false;
    if (next === undefined) this.entries.delete(key);
    else await this.set(key, next, ttlSeconds);
    return true;
  }

  async take(key: string): Promise<string | undefined> {
    const entry = this.live(key);
    this.entries.delete(key);
    return entry?.value;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async increment(key: string, by: number, ttlSeconds: number): Promise<number> {
    assertTtl(ttlSeconds);
    const entry = this.live(key);
    const value = Number(entry?.value ?? 0) + by;
    this.entries.set(key, { value: String(value), expiresAt: entry?.expiresAt ?? this.clock.now() + ttlSeconds * 1000 });
    return value;
  }

  async pushBounded(key: string, value: string, maxLength: number, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    const current = parseStoredList(this.live(key)?.value);
    this.entries.set(key, { value: JSON.stringify([value, ...current].slice(0, maxLength)), expiresAt: this.clock.now() + ttlSeconds * 1000 });
  }

  async list(key: string): Promise<string[]> {
    return parseStoredList(this.live(key)?.value);
  }

  async addToSet(key: string, member: string, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    const entry = this.liveSet(key) ?? { members: new Set<string>(), expiresAt: 0 };
    entry.members.add(member);
    entry.expiresAt = this.clock.now() + ttlSeconds * 1000;
    this.sets.set(key, entry);
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    const entry = this.liveSet(key);
    entry?.members.delete(member);
    if (entry?.members.size === 0) this.sets.delete(key);
  }

  async members(key: string): Promise<string[]> {
    return [...(this.liveSet(key)?.members ?? [])];
  }

  /** Forgets everything (the durable tier's answer to an emptied or stale store). */
  clear(): void {
    this.entries.clear();
    this.sets.clear();
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.entries.clear();
    this.sets.clear();
  }
}

import type { Clock } from "../shared/clock";
import type { AuditEvent, RequestMeta } from "./audit-event";
import type { AuditLog } from "./audit-log";

type Key = string;
type Tally = { meta: RequestMeta; event: AuditEvent; count: number; firstAt: number; lastAt: number };

/** Distinct (event, reason, address) keys tallied per interval; past it, one overflow tally. */
const maxKeys = 10_000;

/**
 * Refusals that cost the caller nothing (a garbage bearer token, a rate-limited attempt, a request refused
 * before any resolver) must be recorded without letting one client fill the disk: the first of each
 * (event, reason, address) in an interval is written at once, the rest are counted, and one summary record
 * per key (`count`, `firstAt`, `lastAt`) is written when the interval ends. Bounded by `maxKeys`.
 *
 * A refusal never waits on a failing sink: when its first record cannot be written it is counted instead,
 * and a summary that cannot be written is carried into the next interval's (counts added up). Only what
 * cannot be carried (past `maxKeys`, or at shutdown) is lost, and counted in `onLost`.
 */
export class AggregatedRecords {
  private tallies = new Map<Key, Tally>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { audit: Pick<AuditLog, "record">; clock: Clock; intervalSeconds: number; onLost?: (summaries: number) => void }) {}

  start(): this {
    this.timer ??= setInterval(() => void this.flush().catch(() => undefined), this.deps.intervalSeconds * 1000).unref();
    return this;
  }

  private keyOf(meta: RequestMeta, event: AuditEvent): Key {
    return this.tallies.size >= maxKeys ? "overflow" : `${event.event}|${event.reason ?? ""}|${meta.ip ?? ""}`;
  }

  /** Records the first of its kind in this interval (and awaits that write); counts the others. Never rejects. */
  async note(meta: RequestMeta, event: AuditEvent): Promise<void> {
    const key = this.keyOf(meta, event);
    const now = this.deps.clock.now();
    const tally = this.tallies.get(key);
    if (tally) {
      tally.count += 1;
      tally.lastAt = now;
      return;
    }
    const fresh: Tally = { meta, event: key === "overflow" ? { ...event, reason: "OVERFLOW" } : event, count: 0, firstAt: now, lastAt: now };
    this.tallies.set(key, fresh);
    try {
      await this.deps.audit.record(meta, event);
    } catch {
      // Not written: it goes into the summary instead (the refusal itself stands whatever the sink does).
      fresh.count += 1;
    }
  }

  /** Writes one summary per key that saw repeats, and starts a new interval; what fails is carried over. */
  async flush(): Promise<void> {
    const tallies = [...this.tallies.entries()];
    this.tallies = new Map();
    let failed: { error: unknown } | undefined;
    for (const [key, tally] of tallies) {
      if (tally.count === 0) continue;
      const { meta, event, count, firstAt, lastAt } = tally;
      try {
        await this.deps.audit.record(meta, { ...event, reason: `${event.reason ?? ""}:REPEATED`, count, firstAt: new Date(firstAt).toISOString(), lastAt: new Date(lastAt).toISOString() });
      } catch (error) {
        failed ??= { error };
        this.carry(key, tally);
      }
    }
    if (failed) throw failed.error;
  }

  /** Adds an unwritten summary into the current interval's tally of the same key. */
  private carry(key: Key, tally: Tally): void {
    const current = this.tallies.get(key);
    if (current) {
      current.count += tally.count;
      current.firstAt = Math.min(current.firstAt, tally.firstAt);
      return;
    }
    if (this.tallies.size >= maxKeys) {
      this.deps.onLost?.(1);
      return;
    }
    this.tallies.set(key, { ...tally });
  }

  /** Summaries still waiting to be written (carried over a failing sink). */
  get pendingSummaries(): number {
    return [...this.tallies.values()].filter((t) => t.count > 0).length;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    try {
      await this.flush();
    } catch (error) {
      this.deps.onLost?.(this.pendingSummaries);
      throw error;
    }
  }
}

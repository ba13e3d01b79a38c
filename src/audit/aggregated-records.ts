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
 */
export class AggregatedRecords {
  private tallies = new Map<Key, Tally>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { audit: Pick<AuditLog, "record">; clock: Clock; intervalSeconds: number }) {}

  start(): this {
    this.timer ??= setInterval(() => void this.flush().catch(() => undefined), this.deps.intervalSeconds * 1000).unref();
    return this;
  }

  /** Records the first of its kind in this interval (and awaits that write); counts the others. */
  async note(meta: RequestMeta, event: AuditEvent): Promise<void> {
    const key = this.tallies.size >= maxKeys ? "overflow" : `${event.event}|${event.reason ?? ""}|${meta.ip ?? ""}`;
    const now = this.deps.clock.now();
    const tally = this.tallies.get(key);
    if (tally) {
      tally.count += 1;
      tally.lastAt = now;
      return;
    }
    this.tallies.set(key, { meta, event: key === "overflow" ? { ...event, reason: "OVERFLOW" } : event, count: 0, firstAt: now, lastAt: now });
    await this.deps.audit.record(meta, event);
  }

  /** Writes one summary per key that saw repeats, and starts a new interval. */
  async flush(): Promise<void> {
    const tallies = [...this.tallies.values()];
    this.tallies = new Map();
    for (const { meta, event, count, firstAt, lastAt } of tallies) {
      if (count === 0) continue;
      await this.deps.audit.record(meta, { ...event, reason: `${event.reason ?? ""}:REPEATED`, count, firstAt: new Date(firstAt).toISOString(), lastAt: new Date(lastAt).toISOString() });
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

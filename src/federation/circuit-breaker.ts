import type { Clock } from "../shared/clock";

export class BreakerOpenError extends Error {
  override readonly name = "BreakerOpenError";
}

export type BreakerSettings = { failures: number; openSeconds: number };

/**
 * One subgraph's circuit breaker: after `failures` consecutive failures (timeouts, refused or reset
 * connections, 5xx answers) it opens and every request fails at once, without touching the subgraph, for
 * `openSeconds`; then one probe goes through (half-open): its success closes the breaker, its failure opens
 * it again. Written here rather than taken from a library for the injected clock (tests move time, never
 * sleep) and because it is this small.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt: number | undefined;
  private probing = false;

  constructor(
    private readonly settings: BreakerSettings,
    private readonly clock: Clock,
    private readonly onChange: (open: boolean) => void = () => undefined,
  ) {}

  get open(): boolean {
    return this.openedAt !== undefined;
  }

  /** Runs `work` unless the breaker is open; `failed` says whether a settled answer counts as a failure. */
  async run<T>(work: () => Promise<T>, failed: (value: T) => boolean = () => false): Promise<T> {
    const probe = this.admit();
    let value: T;
    try {
      value = await work();
    } catch (error) {
      this.record(false, probe);
      throw error;
    }
    this.record(!failed(value), probe);
    return value;
  }

  /** Whether this request is the half-open probe; throws while open (or while another probe is out). */
  private admit(): boolean {
    if (this.openedAt === undefined) return false;
    if (this.probing || this.clock.now() - this.openedAt < this.settings.openSeconds * 1000) throw new BreakerOpenError("the subgraph's circuit breaker is open");
    this.probing = true;
    return true;
  }

  private record(ok: boolean, probe: boolean): void {
    if (probe) this.probing = false;
    if (ok) {
      this.consecutiveFailures = 0;
      if (this.openedAt !== undefined) {
        this.openedAt = undefined;
        this.onChange(false);
      }
      return;
    }
    this.consecutiveFailures += 1;
    if (probe || (this.openedAt === undefined && this.consecutiveFailures >= this.settings.failures)) {
      const wasOpen = this.openedAt !== undefined;
      this.openedAt = this.clock.now();
      if (!wasOpen) this.onChange(true);
    }
  }
}

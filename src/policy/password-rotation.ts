import { epochSeconds, type Clock } from "../shared/clock";
import type { StateStore } from "../store/state-store";

const keepSeconds = 10 * 365 * 24 * 3600;

/**
 * Password expiry (Cognito has none): the gateway records when each account last set a password and
 * answers an expired one's login with the PASSWORD_EXPIRED challenge.
 */
export class PasswordRotation {
  constructor(private readonly deps: { store: Pick<StateStore, "get" | "set" | "setIfAbsent">; clock: Clock; maxAgeDays: number }) {}

  static key(sub: string): string {
    return `password-set:${sub}`;
  }

  /** The same moment to the millisecond: "set since a change" must tell apart events of one second. */
  private static preciseKey(sub: string): string {
    return `password-set:ms:${sub}`;
  }

  /**
   * Before the provider is asked to set a password: an email-change undo that runs meanwhile must see a password
   * set since the change even when this request's own record lands after it looked (a failed set only makes a
   * later undo replace a password it could have kept).
   */
  async markSetting(sub: string): Promise<void> {
    await this.deps.store.set(PasswordRotation.preciseKey(sub), String(this.deps.clock.now()), keepSeconds);
  }

  async recordSet(sub: string): Promise<void> {
    await this.deps.store.set(PasswordRotation.key(sub), String(epochSeconds(this.deps.clock)), keepSeconds);
    await this.deps.store.set(PasswordRotation.preciseKey(sub), String(this.deps.clock.now()), keepSeconds);
  }

  /**
   * An account the gateway has no date for (created before it, or outside it) starts its clock at the
   * first login seen.
   */
  async startIfUnknown(sub: string): Promise<void> {
    await this.deps.store.setIfAbsent(PasswordRotation.key(sub), String(epochSeconds(this.deps.clock)), keepSeconds);
  }

  /** From the per-request read of `key(sub)`, or a direct read. */
  isExpired(setAt: string | undefined): boolean {
    if (setAt === undefined) return false;
    return epochSeconds(this.deps.clock) - Number(setAt) >= this.deps.maxAgeDays * 86400;
  }

  /**
   * Whether the account's password was set after `since` (ms). The seconds record counts too: a release
   * before the precise one (in a rolling upgrade) writes only that, and only from the next second.
   */
  async setSince(sub: string, since: number): Promise<boolean> {
    const [precise, seconds] = await Promise.all([this.deps.store.get(PasswordRotation.preciseKey(sub)), this.deps.store.get(PasswordRotation.key(sub))]);
    return Number(precise ?? Number.NaN) > since || Number(seconds ?? Number.NaN) > Math.floor(since / 1000);
  }

  async hasExpired(sub: string): Promise<boolean> {
    return this.isExpired(await this.deps.store.get(PasswordRotation.key(sub)));
  }
}

import { epochSeconds, type Clock } from "../shared/clock";
import type { StateStore } from "../store/state-store";

const keepSeconds = 10 * 365 * 24 * 3600;

/**
 * Password expiry (Cognito has none): the gateway records when each account last set a password and
 * answers an expired one's login with the PASSWORD_EXPIRED challenge.
 */
export class PasswordRotation {
  constructor(private readonly deps: { store: Pick<StateStore, "get" | "set" | "setIfAbsent" | "delete">; clock: Clock; maxAgeDays: number }) {}

  static key(sub: string): string {
    return `password-set:${sub}`;
  }

  /** When a reset (an emailed code) last set the password, to the millisecond. */
  private static resetKey(sub: string): string {
    return `password-set:reset-ms:${sub}`;
  }

  /**
   * Before the provider is asked to reset the password with an emailed code: an email-change undo running
   * meanwhile must see the reset even when this request's own records land after it looked (a failed reset
   * only makes a later undo replace a password it could have kept). Returns how to take the mark back when
   * the provider refused the reset: a wrong code, sent by anyone, must not make the owner's undo replace a
   * password nobody reset.
   */
  async markReset(sub: string): Promise<() => Promise<void>> {
    const key = PasswordRotation.resetKey(sub);
    const before = await this.deps.store.get(key);
    const mark = String(this.deps.clock.now());
    await this.deps.store.set(key, mark, keepSeconds);
    return async () => {
      // Another reset marked since: that one's own outcome decides.
      if ((await this.deps.store.get(key)) !== mark) return;
      if (before === undefined) await this.deps.store.delete(key);
      else await this.deps.store.set(key, before, keepSeconds);
    };
  }

  async recordSet(sub: string): Promise<void> {
    await this.deps.store.set(PasswordRotation.key(sub), String(epochSeconds(this.deps.clock)), keepSeconds);
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

  /** Whether a reset set the account's password after `since` (ms). */
  async resetSince(sub: string, since: number): Promise<boolean> {
    return Number((await this.deps.store.get(PasswordRotation.resetKey(sub))) ?? Number.NaN) > since;
  }

  async hasExpired(sub: string): Promise<boolean> {
    return this.isExpired(await this.deps.store.get(PasswordRotation.key(sub)));
  }
}

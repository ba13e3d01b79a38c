import { randomUUID } from "node:crypto";
import { epochSeconds, type Clock } from "../shared/clock";
import type { StateStore } from "../store/state-store";

const keepSeconds = 10 * 365 * 24 * 3600;
/** Longer than an email change's undo window (7 days), the only reader of the reset marks. */
const resetMarksSeconds = 30 * 24 * 3600;

/**
 * Password expiry (Cognito has none): the gateway records when each account last set a password and
 * answers an expired one's login with the PASSWORD_EXPIRED challenge.
 */
export class PasswordRotation {
  constructor(private readonly deps: { store: Pick<StateStore, "get" | "set" | "setIfAbsent" | "addToSet" | "removeFromSet" | "members">; clock: Clock; maxAgeDays: number }) {}

  static key(sub: string): string {
    return `password-set:${sub}`;
  }

  /**
   * The earlier release's single mark: when a reset last set the password (ms). Read, no longer written; only an
   * undo within 7 days of a change reads marks, so this read can go from 2026-12-15 on.
   */
  private static resetKey(sub: string): string {
    return `password-set:reset-ms:${sub}`;
  }

  /** One member per reset attempt, `<ms>:<random>`: an attempt takes back only its own. */
  private static resetsKey(sub: string): string {
    return `password-set:resets:${sub}`;
  }

  /**
   * Before the provider is asked to reset the password with an emailed code: an email-change undo running
   * meanwhile must see the reset even when this request's own records land after it looked (a failed reset
   * only makes a later undo replace a password it could have kept). Returns how to take the mark back when
   * the provider refused the reset: a wrong code, sent by anyone (even beside the right one), must not make
   * the owner's undo replace a password nobody reset, nor take another attempt's mark with it.
   */
  async markReset(sub: string): Promise<() => Promise<void>> {
    const key = PasswordRotation.resetsKey(sub);
    const mark = `${this.deps.clock.now()}:${randomUUID()}`;
    await this.deps.store.addToSet(key, mark, resetMarksSeconds);
    return () => this.deps.store.removeFromSet(key, mark);
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

  /** Whether a reset set (or may have set) the account's password after `since` (ms). */
  async resetSince(sub: string, since: number): Promise<boolean> {
    const [marks, single] = await Promise.all([this.deps.store.members(PasswordRotation.resetsKey(sub)), this.deps.store.get(PasswordRotation.resetKey(sub))]);
    return [...marks.map((mark) => mark.slice(0, mark.indexOf(":"))), single].some((at) => Number(at ?? Number.NaN) > since);
  }

  async hasExpired(sub: string): Promise<boolean> {
    return this.isExpired(await this.deps.store.get(PasswordRotation.key(sub)));
  }
}

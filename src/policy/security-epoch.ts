import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { Clock } from "../shared/clock";
import type { StateStore } from "../store/state-store";

const keepSeconds = 10 * 365 * 24 * 3600;
const countKey = (sub: string) => `epoch:n:${sub}`;
const atKey = (sub: string) => `epoch:at:${sub}`;
/** A lasting copy of the change time (PostgreSQL in production): the pool's own sessions outlive a lost Redis. */
const lastingAtKey = (sub: string) => `account-flags:security-changed-at:${sub}`;

/** Why an account's security epoch moved on; recorded in the audit trail by the caller. */
export type EpochReason =
  | "SIGN_OUT_EVERYWHERE"
  | "DISABLED"
  | "GROUPS_CHANGED"
  | "PASSWORD_CHANGED"
  | "MFA_RESET"
  | "LOCKED";

/** Where a login (or any pending step) started, as far as the account's security state goes. */
export type EpochMark = { epoch: number; startedAt: number };

/**
 * A per-account counter that every security-relevant change moves on (sign-out everywhere, disable, a
 * group change, a password change or reset, an MFA reset, a lock). Anything pending — a challenge handle,
 * tokens held back during a login — remembers the epoch it began in and is refused once it moved.
 *
 * The counter is read after the password check (only then is the account known); the change time closes
 * the gap between the provider issuing tokens and that read: a change after the login started refuses it.
 */
export class SecurityEpoch {
  constructor(private readonly deps: { store: Pick<StateStore, "getMany" | "increment" | "set">; clock: Clock }) {}

  /** Taken before the first provider call of a flow. */
  start(): number {
    return this.deps.clock.now();
  }

  async mark(sub: string, startedAt: number): Promise<EpochMark> {
    const [count] = await this.deps.store.getMany([countKey(sub)]);
    return { epoch: Number(count ?? 0), startedAt };
  }

  async bump(sub: string): Promise<void> {
    // The time first: a reader that sees the new count also sees a change time at least this recent.
    const at = String(this.deps.clock.now());
    await this.deps.store.set(atKey(sub), at, keepSeconds);
    await this.deps.store.increment(countKey(sub), 1, keepSeconds);
    // Best effort, last: a sign-out everywhere must not wait on (or fail with) PostgreSQL; without this copy the
    // hosted login's check has the ephemeral one, as long as that lasts.
    await this.deps.store.set(lastingAtKey(sub), at, keepSeconds).catch(() => undefined);
  }

  /** Whether the account's security state changed after `at` (ms), by either copy of the change time. */
  async changedSince(sub: string, at: number): Promise<boolean> {
    const times = await this.deps.store.getMany([atKey(sub), lastingAtKey(sub)]);
    return times.some((changedAt) => Number(changedAt ?? 0) > at);
  }

  /** SESSION_EXPIRED when the account's security state changed since `mark` was taken. */
  async assertCurrent(sub: string, mark: EpochMark): Promise<void> {
    const [count, at] = await this.deps.store.getMany([countKey(sub), atKey(sub)]);
    const moved = Number(count ?? 0) !== mark.epoch || Number(at ?? 0) > mark.startedAt;
    if (moved) throw new GatewayError(ErrorCode.SESSION_EXPIRED);
  }
}

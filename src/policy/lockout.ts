import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { RequestMeta } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import { sha256 } from "../shared/digest";
import type { StateStore } from "../store/state-store";
import { consumeOrRefuse } from "./address-limiter";
import type { SecurityEpoch } from "./security-epoch";
import { normalizeEmail } from "../shared/email";

export type LockoutSettings = {
  /** Consecutive failures (wrong password or wrong MFA code) that lock the account. */
  threshold: number;
  /** How long a lock lasts; 0 = until an administrator unlocks. */
  durationSeconds: number;
};

/** "Until an administrator unlocks" still needs a TTL in the store. */
const indefinitely = 10 * 365 * 24 * 3600;
/** Failures are counted within this window when locks do not expire on their own. */
const defaultWindowSeconds = 900;

/** Keyed by the email as typed (normalised), so unknown emails lock exactly like real accounts. */
const accountRef = (email: string) => sha256(normalizeEmail(email));
const failuresKey = (email: string) => `lockout:failures:${accountRef(email)}`;
/** The lock by email as typed: it holds even for an account the gateway never saw sign in. */
export const lockedKey = (email: string) => `lockout:locked:${accountRef(email)}`;
/** The same lock by account, for the per-request isActive check (which knows the sub, not the email). */
export const lockedSubKey = (sub: string) => `lockout:locked-sub:${sub}`;

const isBadCredential = (error: unknown) =>
  error instanceof GatewayError && (error.code === ErrorCode.INVALID_CREDENTIALS || error.code === ErrorCode.CODE_MISMATCH);

/**
 * Account lockout, enforced by the gateway before Cognito is asked (Cognito's own lockout is fixed and
 * not configurable). An attempt takes a slot first, atomically, so however many run at once, at most
 * `threshold` of them reach Cognito and exactly one sets the lock.
 */
export class Lockout {
  private readonly lockSeconds: number;
  private readonly windowSeconds: number;

  constructor(
    private readonly deps: {
      store: Pick<StateStore, "get" | "increment" | "set" | "setIfAbsent" | "delete">;
      audit: Pick<AuditLog, "record"> & Partial<Pick<AuditLog, "recordProtected">>;
      epoch: Pick<SecurityEpoch, "bump">;
      /** The account behind an email, when the gateway has seen it log in (its lock also refuses its live sessions). */
      findSub: (email: string) => Promise<string | undefined>;
      settings: LockoutSettings;
      /** Failed logins per client address (rate-limiter-flexible), so one address cannot spray accounts. */
      perAddress: RateLimiterAbstract;
    },
  ) {
    this.lockSeconds = deps.settings.durationSeconds || indefinitely;
    this.windowSeconds = deps.settings.durationSeconds || defaultWindowSeconds;
  }

  private locked(): GatewayError {
    return new GatewayError(ErrorCode.ACCOUNT_LOCKED, this.deps.settings.durationSeconds ? { retryAfterSeconds: this.deps.settings.durationSeconds } : {});
  }

  /** Takes a point of the client address's failure budget first; the returned function gives it back. */
  private async reserveAddress(meta: RequestMeta): Promise<() => Promise<void>> {
    const key = meta.ip ?? "unknown";
    await consumeOrRefuse(this.deps.perAddress, key);
    return async () => {
      await this.deps.perAddress.reward(key, 1).catch(() => undefined);
    };
  }

  /** Counts one failure; the one that reaches the threshold sets the lock (audited first, once). */
  private async failed(email: string, count: number, meta: RequestMeta): Promise<void> {
    if (count < this.deps.settings.threshold) return;
    if ((await this.deps.store.get(lockedKey(email))) !== undefined) return;
    const sub = await this.deps.findSub(email);
    // Intent before effect: if the record cannot be written, the attempt fails (503) and the next one,
    // still over the threshold, is refused anyway.
    // Locking never waits on the audit sink: the record goes to the local spool when the sink fails.
    const lockout = { event: "LOCKOUT", outcome: "SUCCESS", reason: `FAILURES:${count}`, ...(sub && { subject: sub }) } as const;
    await (this.deps.audit.recordProtected ? this.deps.audit.recordProtected(meta, lockout) : this.deps.audit.record(meta, lockout));
    // The failure counter is left as it is (never overwritten: attempts in flight still hold their slots in it).
    if (await this.deps.store.setIfAbsent(lockedKey(email), "1", this.lockSeconds)) {
      if (sub) {
        await this.deps.store.set(lockedSubKey(sub), "1", this.lockSeconds);
        await this.deps.epoch.bump(sub);
      }
    }
  }

  /**
   * Wraps one credential check (a password at InitiateAuth or ChangePassword, an MFA code): refused when
   * locked; otherwise it reserves a failure slot first, atomically, so however many run at once, at most
   * `threshold` reach the provider. A right answer gives the slot back; a wrong one keeps it; anything
   * else (the provider down, a malformed request) gives it back and is not counted.
   *
   * The lock read and both reservations go to the store together (one round trip instead of three): the
   * provider is asked only after all three answered, and the refusals keep their order (locked, then the
   * address's budget, then the account's slots). What a refused attempt took is given back before it answers,
   * so the counters end as the one-at-a-time order left them; only while it is in flight does it hold a
   * slot that order would not have taken (as an attempt over the threshold always did until it gave its back).
   *
   * `then`: the caller's next step after a right answer, run while the slot is given back (its reads share
   * that round trip). Its errors are its own: never counted as a failure, and they do not keep the slot.
   */
  async guard<T, U = T>(email: string, meta: RequestMeta, check: () => Promise<T>, then?: (result: T) => Promise<U>): Promise<U> {
    const [locked, address, account] = await Promise.allSettled([
      this.deps.store.get(lockedKey(email)),
      this.reserveAddress(meta),
      this.deps.store.increment(failuresKey(email), 1, this.windowSeconds),
    ]);
    const giveBackAccount = () => this.deps.store.increment(failuresKey(email), -1, this.windowSeconds);
    const releaseAddress = address.status === "fulfilled" ? address.value : () => Promise.resolve();
    // Both give-backs at once: neither depends on the other (the address's never throws).
    const releaseAccount = async () => {
      await Promise.all([giveBackAccount(), releaseAddress()]);
    };
    const refuse = async (error: unknown): Promise<never> => {
      await (account.status === "fulfilled" ? releaseAccount() : releaseAddress());
      throw error;
    };
    if (locked.status === "rejected") return refuse(locked.reason);
    if (locked.value !== undefined) return refuse(this.locked());
    if (address.status === "rejected") return refuse(address.reason);
    if (account.status === "rejected") return refuse(account.reason);
    const count = account.value;
    if (count > this.deps.settings.threshold) return refuse(this.locked());
    let result: T;
    try {
      result = await check();
    } catch (error) {
      if (isBadCredential(error)) await this.failed(email, count, meta);
      else await releaseAccount();
      throw error;
    }
    // The give-back's failure comes first, as when nothing ran beside it.
    const [released, next] = await Promise.allSettled([releaseAccount(), then ? then(result) : Promise.resolve(result as unknown as U)]);
    if (released.status === "rejected") throw released.reason;
    if (next.status === "rejected") throw next.reason;
    return next.value;
  }

  /** A completed login clears the count. */
  async succeeded(email: string): Promise<void> {
    await this.deps.store.delete(failuresKey(email));
  }

  async unlock(email: string, sub: string): Promise<void> {
    await Promise.all([this.deps.store.delete(lockedKey(email)), this.deps.store.delete(failuresKey(email)), this.deps.store.delete(lockedSubKey(sub))]);
  }
}

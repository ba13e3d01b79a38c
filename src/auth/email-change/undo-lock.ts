import { randomUUID } from "node:crypto";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import type { StateStore } from "../../store/state-store";

/** How long one undo holds its account's lock between two renewals (a crashed undo frees it by itself). */
const lockSeconds = 30;
const attempts = 60;
const retryMs = 50;

const lockKey = (sub: string) => `email-change-undo:lock:${sub}`;

/**
 * Whether an undo of the account is running: a credential written meanwhile (a passkey registered, recovery codes
 * generated, by a session the undo is about to end) could land after its take-back, so it is not kept.
 */
export const undoRunning =
  (store: Pick<StateStore, "get">) =>
  async (sub: string): Promise<boolean> =>
    (await store.get(lockKey(sub))) !== undefined;

/** Another undo holds the account (or took it over from this one): try again in a moment. */
const busy = () => new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { retryAfterSeconds: 1 });

/**
 * One undo of an account at a time. The lock's value is its holder's own, so an undo that stalled past the lock's
 * life learns it lost the account (another undo may have finished meanwhile) and stops before it writes the
 * address, instead of writing over the other's result; and it frees only a lock that is still its own.
 */
export class UndoLock {
  private constructor(
    private readonly store: Pick<StateStore, "setIfAbsent" | "replaceIf">,
    private readonly key: string,
    private readonly holder: string,
  ) {}

  /** Waits a moment for another undo of the same account to finish (an undo takes a few provider calls). */
  static async acquire(store: Pick<StateStore, "setIfAbsent" | "replaceIf">, sub: string): Promise<UndoLock> {
    const key = lockKey(sub);
    const holder = randomUUID();
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (await store.setIfAbsent(key, holder, lockSeconds)) return new UndoLock(store, key, holder);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
    throw busy();
  }

  /** Before each write that must not land after another undo's: still this undo's, for another lockSeconds. */
  async renew(): Promise<void> {
    if (!(await this.store.replaceIf(this.key, this.holder, this.holder, lockSeconds))) throw busy();
  }

  async release(): Promise<void> {
    await this.store.replaceIf(this.key, this.holder, undefined, lockSeconds);
  }
}

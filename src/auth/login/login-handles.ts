import { ErrorCode, GatewayError } from "../../errors/error-codes";
import type { SecurityEpoch } from "../../policy/security-epoch";
import { epochSeconds, type Clock } from "../../shared/clock";
import { randomHandle, sha256 } from "../../shared/digest";
import { sealRecord, unsealRecord } from "../../shared/sealed-record";
import type { StateStore } from "../../store/state-store";
import { parseStoredRecord } from "../../shared/stored-record";
import { challengeState } from "./challenge-state-schema";
import { canMove, type ChallengeStage, type ChallengeState, type LoginStep, type NewChallengeState, type StateOf } from "./login-stages";

const key = (handle: string): string => `challenge:${sha256(handle)}`;

/** Sealed under the handle (which the store never sees): a store dump yields no held token, email or Cognito session. */
const handlePurpose = "authgw login handle v1";
const seal = (handle: string, state: ChallengeState): string => sealRecord(handle, handlePurpose, JSON.stringify(state));
const unseal = (handle: string, raw: string | undefined): ChallengeState | undefined => {
  const plaintext = raw === undefined ? undefined : unsealRecord(handle, handlePurpose, raw);
  return parseStoredRecord(challengeState, plaintext);
};

const internal = (what: string) => new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, {}, undefined, new Error(what));

/**
 * Single-use challenge handles in the shared store: any gateway instance can continue a challenge, and
 * of two concurrent uses of one handle exactly one proceeds. Only the login machine creates and takes
 * them; each is bound to the account's security epoch and refused once it moved on.
 */
export class LoginHandles {
  constructor(private readonly deps: { store: Pick<StateStore, "set" | "take">; clock: Clock; ttlSeconds: number; epoch: Pick<SecurityEpoch, "assertCurrent"> }) {}

  /** Creates the handle for the next stage; the move must be an arrow of the login table. */
  async create(from: LoginStep, state: NewChallengeState): Promise<string> {
    if (!canMove(from, state.stage)) throw internal(`login cannot move from ${from} to ${state.stage}`);
    const handle = randomHandle();
    const expiresAt = epochSeconds(this.deps.clock) + this.deps.ttlSeconds;
    await this.deps.store.set(key(handle), seal(handle, { ...state, expiresAt }), this.deps.ttlSeconds);
    return handle;
  }

  /** Creates the handle a login without a password starts with (there is no step before it). */
  async open(state: Omit<StateOf<"PASSKEY">, "expiresAt">): Promise<string> {
    const handle = randomHandle();
    const expiresAt = epochSeconds(this.deps.clock) + this.deps.ttlSeconds;
    await this.deps.store.set(key(handle), seal(handle, { ...state, expiresAt }), this.deps.ttlSeconds);
    return handle;
  }

  /** Consumes the handle. Unknown, used, expired, wrong-stage or stale-epoch handles are all SESSION_EXPIRED. */
  async take<S extends ChallengeStage>(handle: string, stage: S): Promise<StateOf<S>> {
    const state = unseal(handle, await this.deps.store.take(key(handle)));
    if (state?.stage !== stage || state.expiresAt <= epochSeconds(this.deps.clock)) {
      throw new GatewayError(ErrorCode.SESSION_EXPIRED);
    }
    if (state.stage !== "PASSKEY") await this.deps.epoch.assertCurrent(state.username, state.mark);
    return state as StateOf<S>;
  }

  /** Puts a handle back after a wrong code, one attempt fewer, within its original lifetime. */
  async giveBack(handle: string, state: StateOf<"MFA_SETUP_VERIFY" | "SOFTWARE_TOKEN_MFA">): Promise<void> {
    const remaining = state.expiresAt - epochSeconds(this.deps.clock);
    const attemptsLeft = state.attemptsLeft - 1;
    if (attemptsLeft <= 0 || remaining <= 0) return;
    await this.deps.store.set(key(handle), seal(handle, { ...state, attemptsLeft }), remaining);
  }
}

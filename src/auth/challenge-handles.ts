import { ErrorCode, GatewayError } from "../errors/error-codes";
import { epochSeconds, type Clock } from "../shared/clock";
import { randomHandle, sha256 } from "../shared/digest";
import type { StateStore } from "../store/state-store";
import type { ProviderTokens } from "./identity-provider";

/** How the gateway continues an MFA enrolment: Cognito's own MFA_SETUP session, or tokens it holds back. */
export type EnrolmentVia = { kind: "session"; session: string } | { kind: "held"; tokens: ProviderTokens };

type Common = { email: string; username: string; expiresAt: number };

/** Server-side state behind an opaque challenge handle. Cognito's session never leaves the gateway. */
export type ChallengeState = Common &
  (
    | { stage: "MFA_SETUP"; via: EnrolmentVia }
    /** `reset`: a signed-in user replacing their authenticator; their other sessions end on success. */
    | { stage: "MFA_SETUP_VERIFY"; via: EnrolmentVia; attemptsLeft: number; purpose: "enrol" | "reset" }
    | { stage: "SOFTWARE_TOKEN_MFA"; session: string; attemptsLeft: number }
    | { stage: "NEW_PASSWORD_REQUIRED"; session: string }
    /** The password was right but too old: a new one is set before any MFA step or token. */
    | { stage: "PASSWORD_EXPIRED" }
  );

export type ChallengeStage = ChallengeState["stage"];
type StateOf<S extends ChallengeStage> = Extract<ChallengeState, { stage: S }>;
/** A state as callers create it; the store adds the expiry. */
export type NewChallengeState = ChallengeState extends infer T ? (T extends ChallengeState ? Omit<T, "expiresAt"> : never) : never;

/** How many wrong codes one handle tolerates before the user must log in again. */
export const codeAttemptsPerHandle = 3;

const key = (handle: string): string => `challenge:${sha256(handle)}`;

/**
 * Single-use challenge handles in the shared store: any gateway instance can continue a challenge, and
 * of two concurrent uses of one handle exactly one proceeds.
 */
export class ChallengeHandles {
  constructor(private readonly deps: { store: Pick<StateStore, "set" | "take">; clock: Clock; ttlSeconds: number }) {}

  async create(state: NewChallengeState): Promise<string> {
    const handle = randomHandle();
    const expiresAt = epochSeconds(this.deps.clock) + this.deps.ttlSeconds;
    await this.deps.store.set(key(handle), JSON.stringify({ ...state, expiresAt }), this.deps.ttlSeconds);
    return handle;
  }

  /** Consumes the handle. Unknown, used, expired or wrong-stage handles are all SESSION_EXPIRED. */
  async take<S extends ChallengeStage>(handle: string, stage: S): Promise<StateOf<S>> {
    const raw = await this.deps.store.take(key(handle));
    const state = raw === undefined ? undefined : (JSON.parse(raw) as ChallengeState);
    if (!state || state.stage !== stage || state.expiresAt <= epochSeconds(this.deps.clock)) {
      throw new GatewayError(ErrorCode.SESSION_EXPIRED);
    }
    return state as StateOf<S>;
  }

  /** Runs a code check; a wrong code gives the handle back so a typo does not force a new login. */
  async retryOnWrongCode<T>(handle: string, state: StateOf<"MFA_SETUP_VERIFY" | "SOFTWARE_TOKEN_MFA">, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof GatewayError && error.code === ErrorCode.CODE_MISMATCH) await this.giveBack(handle, state);
      throw error;
    }
  }

  /** Puts a handle back after a wrong code, one attempt fewer, within its original lifetime. */
  async giveBack(handle: string, state: StateOf<"MFA_SETUP_VERIFY" | "SOFTWARE_TOKEN_MFA">): Promise<void> {
    const remaining = state.expiresAt - epochSeconds(this.deps.clock);
    const attemptsLeft = state.attemptsLeft - 1;
    if (attemptsLeft <= 0 || remaining <= 0) return;
    await this.deps.store.set(key(handle), JSON.stringify({ ...state, attemptsLeft }), remaining);
  }
}

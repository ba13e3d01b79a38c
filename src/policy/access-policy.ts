import { ErrorCode, GatewayError, InactiveReason, TokenRejection, tokenRejected } from "../errors/error-codes";

/**
 * Everything "may this identity act?" depends on, read from the state store (never from the provider on
 * the hot path). Built by AccessStateReader for a bearer token, a refresh token, a cookie session or an
 * account in the middle of a login alike; nothing else reads the flags behind it.
 */
export type AccessState = {
  sub: string;
  /** The gateway knows the session and has not ended it (a login has none yet: not asked for "login"). */
  sessionLive: boolean;
  /** Unused for longer than the idle timeout. */
  idle: boolean;
  disabled: boolean;
  locked: boolean;
  passwordExpired: boolean;
  /** From the verified `cognito:groups` claim, never from a client-supplied value. */
  groups: readonly string[];
};

/**
 * What a door asks for. `session`: a live, not idle session (logout, sign-out everywhere);
 * `active`: also an account that is not disabled, locked or due a password change; a group: also membership;
 * `login`: an account that may sign in and get a session (the login machine, at each step where it learns the
 * account and before tokens leave).
 */
export type Requirement = "session" | "active" | "login" | { group: "admin" | "provider" | "patient" };

/** Required actions an account owes before a session opens (run by the login machine, where its table allows). */
export type OwedAction = "UPDATE_PASSWORD";

export type Decision = { allowed: true; owes?: readonly OwedAction[] } | { allowed: false; error: GatewayError };

const allowed: Decision = { allowed: true };
const refuse = (error: GatewayError): Decision => ({ allowed: false, error });

const inactiveReason = (state: AccessState): InactiveReason | undefined => {
  if (state.disabled) return InactiveReason.ACCOUNT_DISABLED;
  if (state.locked) return InactiveReason.ACCOUNT_LOCKED;
  if (state.passwordExpired) return InactiveReason.PASSWORD_EXPIRED;
  return undefined;
};

/**
 * A login is refused like a wrong password when the account is disabled (as Cognito does: no hint that the
 * account exists), and ACCOUNT_LOCKED when locked; an expired password does not refuse it but is owed.
 */
const decideLogin = (state: AccessState): Decision => {
  if (state.disabled) return refuse(new GatewayError(ErrorCode.INVALID_CREDENTIALS, {}, undefined, new Error("account disabled")));
  if (state.locked) return refuse(new GatewayError(ErrorCode.ACCOUNT_LOCKED));
  return state.passwordExpired ? { allowed: true, owes: ["UPDATE_PASSWORD"] } : allowed;
};

/**
 * The one access policy. graphql-shield rules, refreshTokens, the federation asserter, the cookie session
 * and every step of the login machine ask it; nothing else decides whether an identity may act.
 */
export const decideAccess = (state: AccessState | undefined, need: Requirement): Decision => {
  if (!state) return refuse(new GatewayError(ErrorCode.UNAUTHENTICATED));
  if (need === "login") return decideLogin(state);
  if (!state.sessionLive) return refuse(tokenRejected(TokenRejection.TOKEN_REVOKED));
  if (state.idle) return refuse(tokenRejected(TokenRejection.SESSION_IDLE));
  if (need === "session") return allowed;
  const reason = inactiveReason(state);
  if (reason) return refuse(new GatewayError(ErrorCode.FORBIDDEN, { reason }));
  if (need === "active") return allowed;
  return state.groups.includes(need.group) ? allowed : refuse(new GatewayError(ErrorCode.FORBIDDEN));
};

/** Throws the refusal, for doors that answer with an error rather than a decision. */
export const assertAccess = (state: AccessState | undefined, need: Requirement): void => {
  const decision = decideAccess(state, need);
  if (!decision.allowed) throw decision.error;
};

/**
 * The public error codes. Clients switch on `extensions.code`; these strings are a contract
 * (documented in docs/error-codes.md) and must not change meaning. Anything not listed here is masked as
 * INTERNAL_SERVER_ERROR.
 */
export enum ErrorCode {
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  BAD_USER_INPUT = "BAD_USER_INPUT",
  INVALID_CREDENTIALS = "INVALID_CREDENTIALS",
  USER_NOT_CONFIRMED = "USER_NOT_CONFIRMED",
  CODE_MISMATCH = "CODE_MISMATCH",
  CODE_EXPIRED = "CODE_EXPIRED",
  PASSWORD_POLICY_VIOLATION = "PASSWORD_POLICY_VIOLATION",
  SESSION_EXPIRED = "SESSION_EXPIRED",
  TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS",
  /** Too many failed logins for this email; the same for an unknown email, so it reveals nothing. */
  ACCOUNT_LOCKED = "ACCOUNT_LOCKED",
  /** Administration only: the user does not exist (admins can list users, so this reveals nothing new). */
  NOT_FOUND = "NOT_FOUND",
  /** Administration only: an account with this email already exists. */
  ALREADY_EXISTS = "ALREADY_EXISTS",
  SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE",
  INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR",
  /** Apollo's own request-level codes, passed through with their values scrubbed. */
  GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED",
  GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED",
  BAD_REQUEST = "BAD_REQUEST",
}

/**
 * Every value `extensions.reason` can take, with the code it comes with: one exhaustive list, exposed in the
 * schema as `enum ErrorReason` so clients can generate it. The values are a contract like the codes: add,
 * never rename. A plain object rather than a TS enum, so `{ reason: "STEP_UP_REQUIRED" }` at a throw site is
 * checked against this list (SafeExtensions) without every site importing it.
 */
export const ErrorReason = {
  // UNAUTHENTICATED: a presented token was refused (TokenRejection).
  TOKEN_INVALID: "TOKEN_INVALID",
  TOKEN_EXPIRED: "TOKEN_EXPIRED",
  TOKEN_REVOKED: "TOKEN_REVOKED",
  SESSION_IDLE: "SESSION_IDLE",
  // FORBIDDEN: the caller is not active (InactiveReason).
  ACCOUNT_DISABLED: "ACCOUNT_DISABLED",
  ACCOUNT_LOCKED: "ACCOUNT_LOCKED",
  PASSWORD_EXPIRED: "PASSWORD_EXPIRED",
  // FORBIDDEN: a feature is off, or the request lacks a proof it needs.
  PASSKEYS_DISABLED: "PASSKEYS_DISABLED",
  RECOVERY_CODES_DISABLED: "RECOVERY_CODES_DISABLED",
  EMERGENCY_ACCESS_DISABLED: "EMERGENCY_ACCESS_DISABLED",
  STEP_UP_REQUIRED: "STEP_UP_REQUIRED",
  CURRENT_PASSWORD_REQUIRED: "CURRENT_PASSWORD_REQUIRED",
  TOTP_REENROLMENT_REQUIRED: "TOTP_REENROLMENT_REQUIRED",
  LAST_FACTOR: "LAST_FACTOR",
  NO_PASSKEY: "NO_PASSKEY",
  SELF_REVIEW: "SELF_REVIEW",
  MFA_NOT_ENROLLED: "MFA_NOT_ENROLLED",
  CROSS_ORIGIN: "CROSS_ORIGIN",
  // BAD_USER_INPUT.
  ONE_SECOND_FACTOR: "ONE_SECOND_FACTOR",
  DURATION_TOO_LONG: "DURATION_TOO_LONG",
  ALREADY_REVIEWED: "ALREADY_REVIEWED",
  INVALID_CURSOR: "INVALID_CURSOR",
  // CODE_EXPIRED.
  CODE_ALREADY_USED: "CODE_ALREADY_USED",
  UNDO_INVALID: "UNDO_INVALID",
  // SESSION_EXPIRED: hosted login could not turn a code into a session (OAuthRejection).
  STATE_INVALID: "STATE_INVALID",
  GRANT_INVALID: "GRANT_INVALID",
  ID_TOKEN_INVALID: "ID_TOKEN_INVALID",
  AUTHORIZATION_DENIED: "AUTHORIZATION_DENIED",
  LOGIN_REQUIRED: "LOGIN_REQUIRED",
  // BAD_REQUEST.
  HOSTED_LOGIN_NOT_CONFIGURED: "HOSTED_LOGIN_NOT_CONFIGURED",
  // SERVICE_UNAVAILABLE: which dependency failed.
  IDENTITY_PROVIDER_UNAVAILABLE: "IDENTITY_PROVIDER_UNAVAILABLE",
  CUSTOM_AUTH_NOT_CONFIGURED: "CUSTOM_AUTH_NOT_CONFIGURED",
  JWKS_UNAVAILABLE: "JWKS_UNAVAILABLE",
  STATE_STORE_UNAVAILABLE: "STATE_STORE_UNAVAILABLE",
  STATE_STORE_UNVERIFIED: "STATE_STORE_UNVERIFIED",
  DATABASE_UNAVAILABLE: "DATABASE_UNAVAILABLE",
  AUDIT_UNAVAILABLE: "AUDIT_UNAVAILABLE",
  AUDIT_REVIEW_UNAVAILABLE: "AUDIT_REVIEW_UNAVAILABLE",
  SUBGRAPH_ERROR: "SUBGRAPH_ERROR",
} as const;
export type ErrorReason = (typeof ErrorReason)[keyof typeof ErrorReason];

/** What each reason tells a client, with the code it comes with: the schema's enum descriptions and docs/error-codes.md. */
export const errorReasonDescriptions: Record<ErrorReason, string> = {
  TOKEN_INVALID: "UNAUTHENTICATED: the access token is malformed, forged or for another pool or client.",
  TOKEN_EXPIRED: "UNAUTHENTICATED: the access token expired; refresh it.",
  TOKEN_REVOKED: "UNAUTHENTICATED: the session ended (logout, sign-out everywhere, an administrator); log in again.",
  SESSION_IDLE: "UNAUTHENTICATED: the session was unused for longer than the idle timeout; log in again.",
  ACCOUNT_DISABLED: "FORBIDDEN: the account is disabled.",
  ACCOUNT_LOCKED: "FORBIDDEN: the account is locked after failed attempts.",
  PASSWORD_EXPIRED: "FORBIDDEN: the password is older than the maximum age; change it at the next login.",
  PASSKEYS_DISABLED: "FORBIDDEN: passkeys are not enabled on this gateway.",
  RECOVERY_CODES_DISABLED: "FORBIDDEN: recovery codes are not enabled on this gateway.",
  EMERGENCY_ACCESS_DISABLED: "FORBIDDEN: emergency access is turned off on this gateway.",
  STEP_UP_REQUIRED: "FORBIDDEN: send a fresh second factor (`code` or `passkey`) in this request.",
  CURRENT_PASSWORD_REQUIRED: "FORBIDDEN: completeExpiredPassword needs the password that expired.",
  TOTP_REENROLMENT_REQUIRED: "FORBIDDEN: set up the authenticator again (resetMfa), or confirm with a passkey.",
  LAST_FACTOR: "FORBIDDEN: this is the last second factor; add another one first.",
  NO_PASSKEY: "FORBIDDEN: beginPasskeyStepUp without a registered passkey.",
  SELF_REVIEW: "FORBIDDEN: an administrator cannot review their own emergency grant.",
  MFA_NOT_ENROLLED: "FORBIDDEN: hosted login for an account without an authenticator.",
  CROSS_ORIGIN: "FORBIDDEN: a cross-site POST /auth/logout.",
  ONE_SECOND_FACTOR: "BAD_USER_INPUT: both `code` and `passkey` were given where one fresh factor is asked.",
  DURATION_TOO_LONG: "BAD_USER_INPUT: an emergency grant longer than EMERGENCY_ACCESS_MINUTES.",
  ALREADY_REVIEWED: "BAD_USER_INPUT: an emergency grant's verdict is written once.",
  INVALID_CURSOR: "BAD_USER_INPUT: the `after` cursor is not one this list gave.",
  CODE_ALREADY_USED: "CODE_EXPIRED: this recovery code was already used.",
  UNDO_INVALID: "CODE_EXPIRED: the email-change undo token is unknown, used or older than 7 days.",
  STATE_INVALID: "SESSION_EXPIRED: hosted login's `state` is unknown, used or expired.",
  GRANT_INVALID: "SESSION_EXPIRED: the pool refused the authorization code (used, expired, wrong redirect URI or PKCE verifier).",
  ID_TOKEN_INVALID: "SESSION_EXPIRED: the id token did not match the request (nonce, audience, issuer, expiry).",
  AUTHORIZATION_DENIED: "SESSION_EXPIRED: the pool answered the authorization request with an error (the user cancelled).",
  LOGIN_REQUIRED: "SESSION_EXPIRED: the pool signed the user in before the account's last security change (its own session cookie outlives a sign-out everywhere); sign in again with credentials.",
  HOSTED_LOGIN_NOT_CONFIGURED: "BAD_REQUEST: hosted login without COGNITO_DOMAIN.",
  IDENTITY_PROVIDER_UNAVAILABLE: "SERVICE_UNAVAILABLE: Cognito is unreachable or failing.",
  CUSTOM_AUTH_NOT_CONFIGURED: "SERVICE_UNAVAILABLE: the pool's custom-auth key is not configured.",
  JWKS_UNAVAILABLE: "SERVICE_UNAVAILABLE: the pool's signing keys could not be fetched.",
  STATE_STORE_UNAVAILABLE: "SERVICE_UNAVAILABLE: the state store (Redis) is unreachable.",
  STATE_STORE_UNVERIFIED: "SERVICE_UNAVAILABLE: the state store has not been verified since it was lost.",
  DATABASE_UNAVAILABLE: "SERVICE_UNAVAILABLE: PostgreSQL is unreachable.",
  AUDIT_UNAVAILABLE: "SERVICE_UNAVAILABLE: the audit log could not record the operation, so nothing happened.",
  AUDIT_REVIEW_UNAVAILABLE: "SERVICE_UNAVAILABLE: no audit reader is configured on this gateway.",
  SUBGRAPH_ERROR: "SERVICE_UNAVAILABLE: in gateway mode, a product subgraph failed, timed out or could not be reached.",
};

/** Why a bearer token was refused; sent as `extensions.reason` with UNAUTHENTICATED. */
export enum TokenRejection {
  TOKEN_INVALID = "TOKEN_INVALID",
  TOKEN_EXPIRED = "TOKEN_EXPIRED",
  TOKEN_REVOKED = "TOKEN_REVOKED",
  /** The session was not used for longer than the idle timeout. */
  SESSION_IDLE = "SESSION_IDLE",
}

/** Why an authenticated caller is not active; sent as `extensions.reason` with FORBIDDEN. */
export enum InactiveReason {
  ACCOUNT_DISABLED = "ACCOUNT_DISABLED",
  ACCOUNT_LOCKED = "ACCOUNT_LOCKED",
  PASSWORD_EXPIRED = "PASSWORD_EXPIRED",
}

// The narrower enums above are slices of ErrorReason: a value missing there fails to compile here.
export const reasonSlices: readonly ErrorReason[] = [...Object.values(TokenRejection), ...Object.values(InactiveReason)];

const defaultMessages: Record<ErrorCode, string> = {
  [ErrorCode.UNAUTHENTICATED]: "Authentication is required.",
  [ErrorCode.FORBIDDEN]: "You are not allowed to do this.",
  [ErrorCode.BAD_USER_INPUT]: "The input is not valid.",
  [ErrorCode.INVALID_CREDENTIALS]: "The email or password is incorrect.",
  [ErrorCode.USER_NOT_CONFIRMED]: "The account has not been confirmed yet.",
  [ErrorCode.CODE_MISMATCH]: "The code is incorrect.",
  [ErrorCode.CODE_EXPIRED]: "The code has expired; request a new one.",
  [ErrorCode.PASSWORD_POLICY_VIOLATION]: "The password does not meet the password policy.",
  [ErrorCode.SESSION_EXPIRED]: "The session has expired or is not valid; start again.",
  [ErrorCode.TOO_MANY_REQUESTS]: "Too many requests; try again later.",
  [ErrorCode.ACCOUNT_LOCKED]: "Too many failed attempts: the account is locked for now.",
  [ErrorCode.NOT_FOUND]: "No such user.",
  [ErrorCode.ALREADY_EXISTS]: "An account with this email already exists.",
  [ErrorCode.SERVICE_UNAVAILABLE]: "The service is temporarily unavailable.",
  [ErrorCode.INTERNAL_SERVER_ERROR]: "Internal server error.",
  [ErrorCode.GRAPHQL_PARSE_FAILED]: "The GraphQL document could not be parsed.",
  [ErrorCode.GRAPHQL_VALIDATION_FAILED]: "The GraphQL document is not valid.",
  [ErrorCode.BAD_REQUEST]: "The request is not valid.",
};

/** Statuses for errors raised before any resolver runs (the context); resolvers' go through the Apollo plugin. */
const httpStatus: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.TOO_MANY_REQUESTS]: 429,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
  [ErrorCode.BAD_REQUEST]: 400,
};

/** Extension values we allow to reach a client: never user input, never upstream text. */
export type SafeExtensions = Record<string, string | number | boolean | readonly unknown[]> & { reason?: ErrorReason };

/** An error whose code and message are safe to show to the client as they are. */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  constructor(
    readonly code: ErrorCode,
    readonly extensions: SafeExtensions = {},
    message: string = defaultMessages[code],
    /** The internal cause, for server logs only; never serialised to the client. */
    cause?: unknown,
  ) {
    super(message, { cause });
  }

  get httpStatus(): number | undefined {
    return httpStatus[this.code];
  }
}

const rejectionMessages: Record<TokenRejection, string> = {
  [TokenRejection.TOKEN_INVALID]: "The access token is not valid.",
  [TokenRejection.TOKEN_EXPIRED]: "The access token has expired; refresh it or log in again.",
  [TokenRejection.TOKEN_REVOKED]: "The session has ended; log in again.",
  [TokenRejection.SESSION_IDLE]: "The session ended after a period of inactivity; log in again.",
};

/** UNAUTHENTICATED for a presented token, with the reason a client can act on. */
export const tokenRejected = (reason: TokenRejection, cause?: unknown): GatewayError =>
  new GatewayError(ErrorCode.UNAUTHENTICATED, { reason }, rejectionMessages[reason], cause);

/** The public code an error will be shown with (unknown errors are masked as INTERNAL_SERVER_ERROR). */
export const publicCodeOf = (error: unknown): ErrorCode => (error instanceof GatewayError ? error.code : ErrorCode.INTERNAL_SERVER_ERROR);

export const messageFor = (code: ErrorCode): string => defaultMessages[code];

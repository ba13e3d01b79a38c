/**
 * The gateway's public error codes (`extensions.code`) and reasons (`extensions.reason`), copied from the
 * gateway's src/errors/error-codes.ts so this package has no gateway internals. A unit test in the gateway
 * repository fails when the two lists drift.
 */
export const ERROR_CODES = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "INVALID_CREDENTIALS",
  "USER_NOT_CONFIRMED",
  "CODE_MISMATCH",
  "CODE_EXPIRED",
  "PASSWORD_POLICY_VIOLATION",
  "SESSION_EXPIRED",
  "TOO_MANY_REQUESTS",
  "ACCOUNT_LOCKED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "SERVICE_UNAVAILABLE",
  "INTERNAL_SERVER_ERROR",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Why a bearer token was refused (with UNAUTHENTICATED). */
export const TOKEN_REJECTIONS = ["TOKEN_INVALID", "TOKEN_EXPIRED", "TOKEN_REVOKED", "SESSION_IDLE"] as const;
export type TokenRejection = (typeof TOKEN_REJECTIONS)[number];

/** Why a signed-in caller may not act (with FORBIDDEN). */
export const INACTIVE_REASONS = ["ACCOUNT_DISABLED", "ACCOUNT_LOCKED", "PASSWORD_EXPIRED"] as const;
export type InactiveReason = (typeof INACTIVE_REASONS)[number];

/**
 * Every `extensions.reason` the gateway sends (its schema's `enum ErrorReason`, where each value's description
 * names the code it comes with). A newer gateway may add reasons: treat an unknown one like its code alone.
 */
export const ERROR_REASONS = [
  "TOKEN_INVALID",
  "TOKEN_EXPIRED",
  "TOKEN_REVOKED",
  "SESSION_IDLE",
  "ACCOUNT_DISABLED",
  "ACCOUNT_LOCKED",
  "PASSWORD_EXPIRED",
  "PASSKEYS_DISABLED",
  "RECOVERY_CODES_DISABLED",
  "EMERGENCY_ACCESS_DISABLED",
  "STEP_UP_REQUIRED",
  "CURRENT_PASSWORD_REQUIRED",
  "TOTP_REENROLMENT_REQUIRED",
  "LAST_FACTOR",
  "NO_PASSKEY",
  "SELF_REVIEW",
  "MFA_NOT_ENROLLED",
  "CROSS_ORIGIN",
  "ONE_SECOND_FACTOR",
  "DURATION_TOO_LONG",
  "ALREADY_REVIEWED",
  "INVALID_CURSOR",
  "CODE_ALREADY_USED",
  "UNDO_INVALID",
  "STATE_INVALID",
  "GRANT_INVALID",
  "ID_TOKEN_INVALID",
  "AUTHORIZATION_DENIED",
  "LOGIN_REQUIRED",
  "HOSTED_LOGIN_NOT_CONFIGURED",
  "IDENTITY_PROVIDER_UNAVAILABLE",
  "CUSTOM_AUTH_NOT_CONFIGURED",
  "JWKS_UNAVAILABLE",
  "STATE_STORE_UNAVAILABLE",
  "STATE_STORE_UNVERIFIED",
  "DATABASE_UNAVAILABLE",
  "AUDIT_UNAVAILABLE",
  "AUDIT_REVIEW_UNAVAILABLE",
  "SUBGRAPH_ERROR",
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

export const isErrorReason = (value: unknown): value is ErrorReason => typeof value === "string" && (ERROR_REASONS as readonly string[]).includes(value);

export const isErrorCode = (value: unknown): value is ErrorCode => typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);

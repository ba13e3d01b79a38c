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

export const isErrorCode = (value: unknown): value is ErrorCode => typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);

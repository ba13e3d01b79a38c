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
export type SafeExtensions = Record<string, string | number | boolean | readonly unknown[]>;

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

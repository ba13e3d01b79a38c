import { ErrorCode, GatewayError, TokenRejection, tokenRejected } from "../../errors/error-codes";
import { AccountExistsError } from "../identity-provider";

/** The adapter operations; the same Cognito exception means different things in different flows. */
export type CognitoOperation =
  | "signUp"
  | "confirmSignUp"
  | "resendConfirmationCode"
  | "passwordAuth"
  | "answerChallenge"
  | "enrolSoftwareToken"
  | "getProfile"
  | "refresh"
  | "revoke"
  | "forgotPassword"
  | "confirmForgotPassword"
  | "changePassword"
  | "updateAttributes"
  | "verifyEmail"
  | "globalSignOut"
  | "admin"
  | "ping";

type Translation = ErrorCode | ((cause: unknown) => GatewayError) | "ACCOUNT_EXISTS";

const common: Record<string, Translation> = {
  TooManyRequestsException: ErrorCode.TOO_MANY_REQUESTS,
  LimitExceededException: ErrorCode.TOO_MANY_REQUESTS,
  TooManyFailedAttemptsException: ErrorCode.TOO_MANY_REQUESTS,
  CodeMismatchException: ErrorCode.CODE_MISMATCH,
  ExpiredCodeException: ErrorCode.CODE_EXPIRED,
  EnableSoftwareTokenMFAException: ErrorCode.CODE_MISMATCH,
  InvalidPasswordException: ErrorCode.PASSWORD_POLICY_VIOLATION,
  UserNotConfirmedException: ErrorCode.USER_NOT_CONFIRMED,
  InvalidParameterException: ErrorCode.BAD_USER_INPUT,
  InternalErrorException: ErrorCode.SERVICE_UNAVAILABLE,
  TimeoutError: ErrorCode.SERVICE_UNAVAILABLE,
};

const tokenInvalid = (cause: unknown) => tokenRejected(TokenRejection.TOKEN_INVALID, cause);

/**
 * Per-flow meanings. Anti-enumeration lives here: an unknown user and a wrong password are the same
 * INVALID_CREDENTIALS; confirming an unknown or already confirmed account, or with an expired code, is the
 * same CODE_MISMATCH (the public code flows never say "expired": only an existing account's code can expire).
 * cognito-local reports a wrong password as InvalidPasswordException, real Cognito as NotAuthorized.
 */
const byOperation: Record<CognitoOperation, Record<string, Translation>> = {
  signUp: { UsernameExistsException: "ACCOUNT_EXISTS" },
  // An expired code too: the provider says "expired" only for an account that exists (every confirmed one on
  // cognito-local; an unconfirmed one whose code ran out on Cognito), an unknown address gets a mismatch.
  confirmSignUp: { UserNotFoundException: ErrorCode.CODE_MISMATCH, NotAuthorizedException: ErrorCode.CODE_MISMATCH, AliasExistsException: ErrorCode.CODE_MISMATCH, ExpiredCodeException: ErrorCode.CODE_MISMATCH },
  resendConfirmationCode: {},
  passwordAuth: {
    NotAuthorizedException: ErrorCode.INVALID_CREDENTIALS,
    UserNotFoundException: ErrorCode.INVALID_CREDENTIALS,
    InvalidPasswordException: ErrorCode.INVALID_CREDENTIALS,
    PasswordResetRequiredException: ErrorCode.INVALID_CREDENTIALS,
  },
  answerChallenge: { NotAuthorizedException: ErrorCode.SESSION_EXPIRED, ExpiredCodeException: ErrorCode.CODE_MISMATCH, UserNotFoundException: ErrorCode.SESSION_EXPIRED },
  enrolSoftwareToken: { NotAuthorizedException: ErrorCode.SESSION_EXPIRED, ExpiredCodeException: ErrorCode.CODE_MISMATCH },
  getProfile: { NotAuthorizedException: ErrorCode.SESSION_EXPIRED },
  refresh: { NotAuthorizedException: tokenInvalid, UserNotFoundException: tokenInvalid, InvalidParameterException: tokenInvalid },
  revoke: {},
  forgotPassword: {},
  // Expired: Cognito's answer for an account that asked for no code (or whose code ran out); unknown: a mismatch.
  confirmForgotPassword: { UserNotFoundException: ErrorCode.CODE_MISMATCH, NotAuthorizedException: ErrorCode.CODE_MISMATCH, ExpiredCodeException: ErrorCode.CODE_MISMATCH },
  // The gateway checks the new password's policy first; what Cognito still refuses is the current password
  // (cognito-local says InvalidPasswordException for it, real Cognito NotAuthorizedException).
  changePassword: { NotAuthorizedException: ErrorCode.INVALID_CREDENTIALS, InvalidPasswordException: ErrorCode.INVALID_CREDENTIALS },
  // An address another account holds: the email change answers as for a free one (never an existence oracle).
  updateAttributes: { AliasExistsException: "ACCOUNT_EXISTS", NotAuthorizedException: ErrorCode.SESSION_EXPIRED },
  // Another account verified the same address first (two requests raced): the code no longer applies.
  verifyEmail: { NotAuthorizedException: ErrorCode.SESSION_EXPIRED, AliasExistsException: ErrorCode.CODE_MISMATCH },
  globalSignOut: {},
  admin: { UserNotFoundException: ErrorCode.NOT_FOUND, ResourceNotFoundException: ErrorCode.NOT_FOUND, UsernameExistsException: ErrorCode.ALREADY_EXISTS, NotAuthorizedException: ErrorCode.SERVICE_UNAVAILABLE },
  ping: {},
};

const errorName = (error: unknown): string =>
  error instanceof Error ? error.name : typeof error === "object" && error !== null && "name" in error ? String(error.name) : "Unknown";

const isServerSide = (error: unknown): boolean => {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  const code = (error as { code?: unknown } | null)?.code;
  return (status !== undefined && status >= 500) || (status === undefined && typeof code === "string" && /^E[A-Z]+/.test(code));
};

/** The only place a Cognito error becomes one of ours. Cognito's own message never passes through. */
export const translateCognitoError = (error: unknown, operation: CognitoOperation): Error => {
  if (error instanceof GatewayError) return error;
  const name = errorName(error);
  const translation = byOperation[operation][name] ?? common[name];
  if (translation === "ACCOUNT_EXISTS") return new AccountExistsError();
  if (typeof translation === "function") return translation(error);
  if (translation !== undefined) return new GatewayError(translation, {}, undefined, error);
  if (isServerSide(error)) return new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "IDENTITY_PROVIDER_UNAVAILABLE" }, undefined, error);
  return new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, {}, undefined, error);
};

export type { AccountActions, FreshFactor } from "./account";
export { type ConfirmSignUpResult, type CurrentUser, type Group, type SignUpResult, type SignUpStep, type StepUp } from "./account";
export { createHostedLogin, type HostedLogin, type HostedLoginOptions, type PendingHostedLogin } from "./hosted-login";
export { type DocumentInput, type TypedOperation } from "./typed-document";
export { createAuthClient, type AuthClient, type AuthClientOptions, type PasswordPolicy, type RegisterInput } from "./auth-client";
export { decodeClaims, groupsOf } from "./claims";
export { ERROR_CODES, ERROR_REASONS, INACTIVE_REASONS, TOKEN_REJECTIONS, isErrorCode, isErrorReason, type ErrorCode, type ErrorReason, type InactiveReason, type TokenRejection } from "./error-codes";
export { AuthGatewayError, GatewayUnreachableError, isExpiredToken, isSessionOver, type ErrorDetails, type FieldProblem } from "./errors";
export { KNOWN_CHALLENGES, type ChallengeStep, type KnownChallenge, type MfaSetupDetails, type PasskeyStep, type SignInResult } from "./steps";
export { memoryTokenStorage, type Tokens, type TokenStorage } from "./token-storage";
export { parseGatewayBody, type FetchLike } from "./transport";
// The Apollo link and the urql exchange are separate entry points (`@hipaa-auth-gateway/client/apollo`,
// `/urql`) so an app pulls in only the GraphQL client it uses.

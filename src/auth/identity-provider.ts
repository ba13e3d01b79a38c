/**
 * What the gateway needs from an identity provider, in its own words. `cognito/` is the real adapter;
 * every method throws only GatewayError (the adapter translates provider errors in one place).
 */
import type { CustomAuthPurpose } from "../shared/custom-auth-proof";

export type ProviderTokens = {
  accessToken: string;
  idToken: string;
  /** Absent on refresh when the provider does not rotate refresh tokens. */
  refreshToken: string | undefined;
  expiresIn: number;
  tokenType: string;
  /** Hosted login: when the pool authenticated the user (the ID token's `auth_time`, seconds); the pool's own session cookie may have done it long before. */
  authTime?: number;
};

export type ProviderChallengeName = "MFA_SETUP" | "SOFTWARE_TOKEN_MFA" | "NEW_PASSWORD_REQUIRED";

export type ProviderAuthResult =
  | { kind: "tokens"; tokens: ProviderTokens }
  /** `username` is the provider's internal user name to answer the challenge with. */
  | { kind: "challenge"; name: ProviderChallengeName; session: string; username: string };

/** How a TOTP enrolment is authorised: by the user's (held) access token, or by a challenge session. */
export type EnrolmentCredential = { accessToken: string } | { session: string };

export type UserProfile = {
  sub: string;
  email: string;
  emailVerified: boolean;
  givenName: string | undefined;
  familyName: string | undefined;
  mfaEnabled: boolean;
};

export type SignUpInput = { email: string; password: string; givenName?: string | undefined; familyName?: string | undefined };

export interface IdentityProvider {
  /** Resolves with the new account's sub; rejects with AccountExistsError for an existing one (masked by the service). */
  signUp(input: SignUpInput): Promise<{ sub: string }>;
  confirmSignUp(email: string, code: string): Promise<void>;
  resendConfirmationCode(email: string): Promise<void>;
  passwordAuth(email: string, password: string): Promise<ProviderAuthResult>;
  answerSoftwareTokenMfa(username: string, session: string, code: string): Promise<ProviderAuthResult>;
  /**
   * Tokens for a factor the gateway verified itself (a passkey, a recovery code): Cognito's CUSTOM_AUTH flow,
   * answered with an Ed25519 signature over the triggers' nonce by CUSTOM_AUTH_PRIVATE_KEY (shared/custom-auth-proof.ts,
   * deploy/cognito-custom-auth). `username` is the sub. Rejects with SESSION_EXPIRED when the pool refuses.
   */
  proofAuth(username: string, purpose: CustomAuthPurpose): Promise<ProviderTokens>;
  /** Starts TOTP enrolment: returns the shared secret and, for session enrolment, the next session. */
  associateSoftwareToken(credential: EnrolmentCredential): Promise<{ secret: string; session: string | undefined }>;
  /** Rejects with CODE_MISMATCH for a wrong code. */
  verifySoftwareToken(credential: EnrolmentCredential, code: string): Promise<{ session: string | undefined }>;
  /** Completes the provider's own MFA_SETUP challenge after a verified enrolment. */
  answerMfaSetup(username: string, session: string): Promise<ProviderAuthResult>;
  enableSoftwareTokenMfa(accessToken: string): Promise<void>;
  getProfile(accessToken: string): Promise<UserProfile>;
  /** `sub` is needed for SECRET_HASH on refresh. */
  refresh(refreshToken: string, sub: string): Promise<ProviderTokens>;
  revokeRefreshToken(refreshToken: string): Promise<void>;
  forgotPassword(email: string): Promise<void>;
  confirmForgotPassword(email: string, code: string, newPassword: string): Promise<void>;
  /** Rejects with INVALID_CREDENTIALS for a wrong current password. */
  changePassword(accessToken: string, currentPassword: string, newPassword: string): Promise<void>;
  answerNewPasswordRequired(username: string, session: string, newPassword: string): Promise<ProviderAuthResult>;
  /** Changing `email` makes the provider send a verification code; `email_verified` is never set from here. */
  updateAttributes(accessToken: string, attributes: Partial<Record<"given_name" | "family_name" | "email", string>>): Promise<void>;
  verifyEmail(accessToken: string, code: string): Promise<void>;
  /** Signs the user out of every device at the provider (refresh tokens revoked). */
  globalSignOut(accessToken: string): Promise<void>;
  /** Readiness: resolves when the provider answers. */
  checkReachable(): Promise<void>;
}

/** Internal (never public): sign-up found the account already there. The service answers as for a new one. */
export class AccountExistsError extends Error {
  override readonly name = "AccountExistsError";
}

export type AppGroup = "admin" | "provider" | "patient";

export type DirectoryUser = {
  sub: string;
  email: string;
  emailVerified: boolean;
  givenName: string | undefined;
  familyName: string | undefined;
  enabled: boolean;
  /** Provider status, e.g. CONFIRMED, UNCONFIRMED, FORCE_CHANGE_PASSWORD. */
  status: string;
  createdAt: Date | undefined;
};

export type UserPage = { users: DirectoryUser[]; nextToken: string | undefined };

/**
 * Administrative operations; on AWS they need IAM credentials. Operations that cognito-local does not
 * support (global sign-out, MFA reset) resolve without effect there; the gateway's own session registry
 * still makes their effect real at the gateway.
 */
export interface IdentityAdmin {
  createUser(input: { email: string; givenName?: string | undefined; familyName?: string | undefined }): Promise<DirectoryUser>;
  getUser(sub: string): Promise<DirectoryUser & { groups: AppGroup[] }>;
  /** The sub of the account with this email, or undefined. */
  findSub(email: string): Promise<string | undefined>;
  /** Sets a permanent password (after the gateway has checked the old one and the policy). */
  setPassword(sub: string, password: string): Promise<void>;
  setEnabled(sub: string, enabled: boolean): Promise<void>;
  /** Sets the account's email, verified (undoing a change: the address is the one the account had before). */
  setEmail(sub: string, email: string): Promise<void>;
  addToGroup(sub: string, group: AppGroup): Promise<void>;
  removeFromGroup(sub: string, group: AppGroup): Promise<void>;
  globalSignOut(sub: string): Promise<void>;
  /** Clears the user's TOTP device so the next login enrols again. */
  resetMfa(sub: string): Promise<void>;
  listUsers(query: { emailPrefix: string | undefined; limit: number; nextToken: string | undefined }): Promise<UserPage>;
}

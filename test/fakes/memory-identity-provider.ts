import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import type { Jwks } from "aws-jwt-verify/jwk";
import { authenticator } from "otplib";
import { AccountExistsError, type EnrolmentCredential, type IdentityProvider, type ProviderAuthResult, type ProviderTokens, type SignUpInput, type UserProfile } from "../../src/auth/identity-provider";
import { ErrorCode, GatewayError, TokenRejection, tokenRejected } from "../../src/errors/error-codes";
import type { Clock } from "../../src/shared/clock";
import { signRs256 } from "../support/jwt";

export type MemoryIdentityProviderOptions = {
  /** The provider's clock: token times and the TOTP window follow it (a FakeClock moves them without sleeping). */
  clock: Clock;
  /** The code every confirmation, reset and email-verification message "sends" (cognito-local's CODE). */
  confirmationCode: string;
  /** Token signing: defaults to a fresh key. Give cognito-local's key, kid, issuer and client id for a gateway that verifies against its JWKS. */
  signingKey?: KeyObject;
  kid?: string;
  issuer?: string;
  clientId?: string;
  tokenLifetimeSeconds?: number;
};

type Account = {
  sub: string;
  email: string;
  password: string;
  confirmed: boolean;
  emailVerified: boolean;
  givenName: string | undefined;
  familyName: string | undefined;
  groups: string[];
  pendingSecret: string | undefined;
  totpSecret: string | undefined;
  mfaEnabled: boolean;
};

/** One generated key per test file is enough (a 2048-bit key pair costs real CPU time). */
let generated: KeyObject | undefined;
const defaultKey = (): KeyObject => (generated ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey);

const fail = (code: ErrorCode): GatewayError => new GatewayError(code);

/**
 * An in-memory IdentityProvider for flow tests at unit speed: it passes the same contract as the Cognito
 * adapter against cognito-local (test/contract/identity-provider.contract.test.ts). Like the dev pool it
 * keeps MFA optional (a login asks for TOTP once the user enabled it) and, like cognito-local, it accepts a
 * TOTP code twice: refusing a replay is the gateway's job, and a fake that did it would hide a regression.
 * Unlike cognito-local it validates challenge sessions, as real Cognito does.
 */
export class MemoryIdentityProvider implements IdentityProvider {
  private readonly accounts = new Map<string, Account>();
  private readonly accessTokens = new Map<string, string>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly mfaSessions = new Map<string, { sub: string; expiresAt: number }>();
  private readonly key: KeyObject;
  /** A fault switch: while true every call answers SERVICE_UNAVAILABLE, as a Cognito outage does. */
  unavailable = false;

  constructor(private readonly options: MemoryIdentityProviderOptions) {
    this.key = options.signingKey ?? defaultKey();
  }

  /** The public key set its tokens verify against (pre-load it into the gateway's verifier: no JWKS fetch). */
  jwks(): Jwks {
    const jwk = createPublicKey(this.key).export({ format: "jwk" });
    return { keys: [{ ...jwk, kid: this.options.kid ?? "memory-idp", alg: "RS256", use: "sig" }] } as Jwks;
  }

  /** Test set-up, as an operator would do in the console (the IdentityAdmin side is not faked here). */
  addToGroup(sub: string, group: string): void {
    const account = this.bySub(sub);
    if (account && !account.groups.includes(group)) account.groups.push(group);
  }

  private up(): void {
    if (this.unavailable) throw new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "IDENTITY_PROVIDER_UNAVAILABLE" });
  }
  private bySub(sub: string): Account | undefined {
    return [...this.accounts.values()].find((account) => account.sub === sub);
  }
  private byAccessToken(accessToken: string): Account {
    const account = this.bySub(this.accessTokens.get(accessToken) ?? "");
    if (!account) throw fail(ErrorCode.SESSION_EXPIRED);
    return account;
  }
  private totpMatches(secret: string, code: string): boolean {
    return authenticator.clone({ epoch: this.options.clock.now(), window: 1 }).check(code, secret);
  }

  private issue(account: Account, withRefresh: boolean): ProviderTokens {
    const now = Math.floor(this.options.clock.now() / 1000);
    const lifetime = this.options.tokenLifetimeSeconds ?? 3600;
    const header = { kid: this.options.kid ?? "memory-idp" };
    const iss = this.options.issuer ?? "http://memory-idp.test/local_memory";
    const clientId = this.options.clientId ?? "memory-client";
    const common = { sub: account.sub, iss, iat: now, exp: now + lifetime, auth_time: now, event_id: randomUUID(), "cognito:groups": [...account.groups] };
    const accessToken = signRs256({ header, payload: { ...common, token_use: "access", client_id: clientId, username: account.sub, scope: "aws.cognito.signin.user.admin", jti: randomUUID() } }, this.key);
    const idToken = signRs256({ header, payload: { ...common, token_use: "id", aud: clientId, email: account.email, email_verified: account.emailVerified, "cognito:username": account.sub, jti: randomUUID() } }, this.key);
    this.accessTokens.set(accessToken, account.sub);
    const refreshToken = withRefresh ? randomBytes(32).toString("base64url") : undefined;
    if (refreshToken) this.refreshTokens.set(refreshToken, account.sub);
    return { accessToken, idToken, refreshToken, expiresIn: lifetime, tokenType: "Bearer" };
  }

  private afterPassword(account: Account): ProviderAuthResult {
    if (!account.mfaEnabled) return { kind: "tokens", tokens: this.issue(account, true) };
    const session = randomBytes(24).toString("base64url");
    this.mfaSessions.set(session, { sub: account.sub, expiresAt: this.options.clock.now() + 3 * 60_000 });
    return { kind: "challenge", name: "SOFTWARE_TOKEN_MFA", session, username: account.sub };
  }

  async signUp(input: SignUpInput): Promise<{ sub: string }> {
    this.up();
    if (this.accounts.has(input.email)) throw new AccountExistsError();
    const sub = randomUUID();
    this.accounts.set(input.email, {
      sub, email: input.email, password: input.password, confirmed: false, emailVerified: false, givenName: input.givenName, familyName: input.familyName,
      groups: [], pendingSecret: undefined, totpSecret: undefined, mfaEnabled: false,
    });
    return { sub };
  }

  async confirmSignUp(email: string, code: string): Promise<void> {
    this.up();
    const account = this.accounts.get(email);
    if (!account || code !== this.options.confirmationCode) throw fail(ErrorCode.CODE_MISMATCH);
    account.confirmed = true;
    account.emailVerified = true;
  }

  async resendConfirmationCode(): Promise<void> {
    this.up();
  }

  async passwordAuth(email: string, password: string): Promise<ProviderAuthResult> {
    this.up();
    const account = this.accounts.get(email);
    if (account?.password !== password) throw fail(ErrorCode.INVALID_CREDENTIALS);
    if (!account.confirmed) throw fail(ErrorCode.USER_NOT_CONFIRMED);
    return this.afterPassword(account);
  }

  async answerSoftwareTokenMfa(username: string, session: string, code: string): Promise<ProviderAuthResult> {
    this.up();
    const held = this.mfaSessions.get(session);
    const account = this.bySub(username);
    if (held?.sub !== username || held.expiresAt <= this.options.clock.now() || !account?.totpSecret) throw fail(ErrorCode.SESSION_EXPIRED);
    // A wrong code keeps the session (Cognito allows another attempt in it); a right one ends it.
    if (!this.totpMatches(account.totpSecret, code)) throw fail(ErrorCode.CODE_MISMATCH);
    this.mfaSessions.delete(session);
    return { kind: "tokens", tokens: this.issue(account, true) };
  }

  async proofAuth(username: string): Promise<ProviderTokens> {
    this.up();
    const account = this.bySub(username);
    if (!account?.confirmed) throw fail(ErrorCode.SESSION_EXPIRED);
    return this.issue(account, true);
  }

  /** Access-token enrolment only: the dev pool keeps MFA optional, so there is no MFA_SETUP session to enrol with. */
  async associateSoftwareToken(credential: EnrolmentCredential): Promise<{ secret: string; session: string | undefined }> {
    this.up();
    if (!("accessToken" in credential)) throw fail(ErrorCode.SESSION_EXPIRED);
    const account = this.byAccessToken(credential.accessToken);
    account.pendingSecret = authenticator.generateSecret(20);
    return { secret: account.pendingSecret, session: undefined };
  }

  async verifySoftwareToken(credential: EnrolmentCredential, code: string): Promise<{ session: string | undefined }> {
    this.up();
    if (!("accessToken" in credential)) throw fail(ErrorCode.SESSION_EXPIRED);
    const account = this.byAccessToken(credential.accessToken);
    if (!account.pendingSecret || !this.totpMatches(account.pendingSecret, code)) throw fail(ErrorCode.CODE_MISMATCH);
    account.totpSecret = account.pendingSecret;
    account.pendingSecret = undefined;
    return { session: undefined };
  }

  async answerMfaSetup(): Promise<ProviderAuthResult> {
    this.up();
    throw fail(ErrorCode.SESSION_EXPIRED);
  }

  async enableSoftwareTokenMfa(accessToken: string): Promise<void> {
    this.up();
    const account = this.byAccessToken(accessToken);
    if (!account.totpSecret) throw fail(ErrorCode.CODE_MISMATCH);
    account.mfaEnabled = true;
  }

  async getProfile(accessToken: string): Promise<UserProfile> {
    this.up();
    const { sub, email, emailVerified, givenName, familyName, mfaEnabled } = this.byAccessToken(accessToken);
    return { sub, email, emailVerified, givenName, familyName, mfaEnabled };
  }

  async refresh(refreshToken: string, sub: string): Promise<ProviderTokens> {
    this.up();
    const account = this.bySub(this.refreshTokens.get(refreshToken) ?? "");
    if (account?.sub !== sub) throw tokenRejected(TokenRejection.TOKEN_INVALID);
    // Like Cognito without rotation: new access and id tokens, the same refresh token.
    return this.issue(account, false);
  }

  async revokeRefreshToken(refreshToken: string): Promise<void> {
    this.up();
    this.refreshTokens.delete(refreshToken);
  }

  async forgotPassword(): Promise<void> {
    this.up();
  }

  async confirmForgotPassword(email: string, code: string, newPassword: string): Promise<void> {
    this.up();
    const account = this.accounts.get(email);
    if (!account || code !== this.options.confirmationCode) throw fail(ErrorCode.CODE_MISMATCH);
    account.password = newPassword;
  }

  async changePassword(accessToken: string, currentPassword: string, newPassword: string): Promise<void> {
    this.up();
    const account = this.byAccessToken(accessToken);
    if (account.password !== currentPassword) throw fail(ErrorCode.INVALID_CREDENTIALS);
    account.password = newPassword;
  }

  /** No administrator-created accounts here, so no NEW_PASSWORD_REQUIRED challenge to answer. */
  async answerNewPasswordRequired(): Promise<ProviderAuthResult> {
    this.up();
    throw fail(ErrorCode.SESSION_EXPIRED);
  }

  async updateAttributes(accessToken: string, attributes: Partial<Record<"given_name" | "family_name" | "email", string>>): Promise<void> {
    this.up();
    const account = this.byAccessToken(accessToken);
    if (attributes.given_name !== undefined) account.givenName = attributes.given_name;
    if (attributes.family_name !== undefined) account.familyName = attributes.family_name;
    if (attributes.email !== undefined && attributes.email !== account.email) {
      if (this.accounts.has(attributes.email)) throw fail(ErrorCode.BAD_USER_INPUT);
      this.accounts.delete(account.email);
      account.email = attributes.email;
      account.emailVerified = false;
      this.accounts.set(account.email, account);
    }
  }

  async verifyEmail(accessToken: string, code: string): Promise<void> {
    this.up();
    const account = this.byAccessToken(accessToken);
    if (code !== this.options.confirmationCode) throw fail(ErrorCode.CODE_MISMATCH);
    account.emailVerified = true;
  }

  async globalSignOut(accessToken: string): Promise<void> {
    this.up();
    const { sub } = this.byAccessToken(accessToken);
    for (const [token, owner] of this.refreshTokens) if (owner === sub) this.refreshTokens.delete(token);
  }

  async checkReachable(): Promise<void> {
    this.up();
  }
}

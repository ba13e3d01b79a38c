import { createHmac } from "node:crypto";
import {
  AssociateSoftwareTokenCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  GlobalSignOutCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
  type AuthenticationResultType,
} from "@aws-sdk/client-cognito-identity-provider";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import type { KeyObject } from "node:crypto";
import { customAuthProof, type CustomAuthPurpose } from "../../shared/custom-auth-proof";
import type {
  EnrolmentCredential,
  IdentityProvider,
  ProviderAuthResult,
  ProviderChallengeName,
  ProviderTokens,
  SignUpInput,
  UserProfile,
} from "../identity-provider";
import { translateCognitoError, type CognitoOperation } from "./map-cognito-error";
import { normalizeEmail } from "../../shared/email";

export type CognitoAdapterOptions = {
  clientId: string;
  clientSecret: string | undefined;
  region: string;
  endpoint: string | undefined;
  /** Static credentials (cognito-local); unset = the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** cognito-local: skip the calls it does not support (the gateway's own registry still applies them). */
  emulator?: boolean;
  /** CUSTOM_AUTH_PRIVATE_KEY: signs the answer to the custom-auth triggers' challenge (proofAuth); unset = proofAuth is refused. */
  customAuthKey?: KeyObject | undefined;
  client?: CognitoIdentityProviderClient;
};

export const providerConnectTimeoutMs = 1000;
export const providerRequestTimeoutMs = 1500;

const supportedChallenges: readonly string[] = ["MFA_SETUP", "SOFTWARE_TOKEN_MFA", "NEW_PASSWORD_REQUIRED"];

/** An unexpected answer shape from Cognito: internal, masked, never the user's fault. */
const malformed = (what: string): GatewayError =>
  new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, {}, undefined, new Error(`Cognito answer without ${what}`));

const toTokens = (result: AuthenticationResultType | undefined): ProviderTokens => {
  if (!result?.AccessToken || !result.IdToken) throw malformed("tokens");
  return {
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    refreshToken: result.RefreshToken,
    expiresIn: result.ExpiresIn ?? 3600,
    tokenType: result.TokenType ?? "Bearer",
  };
};

/** The real adapter: the only code that speaks Cognito's API. */
export class CognitoIdentityProvider implements IdentityProvider {
  readonly client: CognitoIdentityProviderClient;

  constructor(private readonly options: CognitoAdapterOptions) {
    this.client =
      options.client ??
      new CognitoIdentityProviderClient({
        region: options.region,
        endpoint: options.endpoint,
        credentials: options.credentials,
        // Every call has a deadline: 1 s to connect, 1.5 s for the answer, one retry — a stalled Cognito
        // answers SERVICE_UNAVAILABLE within about 4 s instead of hanging the request (and its lockout slot).
        maxAttempts: 2,
        requestHandler: { connectionTimeout: providerConnectTimeoutMs, requestTimeout: providerRequestTimeoutMs, throwOnRequestTimeout: true },
      });
  }

  /** SECRET_HASH = Base64(HMAC-SHA256(secret, username + clientId)), only when the client has a secret. */
  private secretHash(username: string): { SecretHash?: string } {
    const { clientSecret, clientId } = this.options;
    if (!clientSecret) return {};
    return { SecretHash: createHmac("sha256", clientSecret).update(username + clientId).digest("base64") };
  }

  private secretHashParam(username: string): Record<string, string> {
    const { SecretHash } = this.secretHash(username);
    return SecretHash ? { SECRET_HASH: SecretHash } : {};
  }

  private async call<T>(operation: CognitoOperation, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw translateCognitoError(error, operation);
    }
  }

  private toAuthResult(answer: {
    AuthenticationResult?: AuthenticationResultType;
    ChallengeName?: string;
    Session?: string;
    ChallengeParameters?: Record<string, string>;
  }, fallbackUsername: string): ProviderAuthResult {
    if (answer.AuthenticationResult) return { kind: "tokens", tokens: toTokens(answer.AuthenticationResult) };
    const name = answer.ChallengeName;
    if (!name || !supportedChallenges.includes(name) || !answer.Session) throw malformed(`a supported challenge (got ${name ?? "none"})`);
    const username = answer.ChallengeParameters?.["USER_ID_FOR_SRP"] ?? fallbackUsername;
    return { kind: "challenge", name: name as ProviderChallengeName, session: answer.Session, username };
  }

  async signUp(given: SignUpInput): Promise<{ sub: string }> {
    const input = { ...given, email: normalizeEmail(given.email) };
    const attributes = [
      { Name: "email", Value: input.email },
      ...(input.givenName ? [{ Name: "given_name", Value: input.givenName }] : []),
      ...(input.familyName ? [{ Name: "family_name", Value: input.familyName }] : []),
    ];
    const answer = await this.call("signUp", () =>
      this.client.send(new SignUpCommand({ ClientId: this.options.clientId, Username: input.email, Password: input.password, UserAttributes: attributes, ...this.secretHash(input.email) })),
    );
    if (!answer.UserSub) throw malformed("the new user's sub");
    return { sub: answer.UserSub };
  }

  async confirmSignUp(typed: string, code: string): Promise<void> {
    const email = normalizeEmail(typed);
    await this.call("confirmSignUp", () =>
      this.client.send(new ConfirmSignUpCommand({ ClientId: this.options.clientId, Username: email, ConfirmationCode: code, ...this.secretHash(email) })),
    );
  }

  async resendConfirmationCode(typed: string): Promise<void> {
    const email = normalizeEmail(typed);
    await this.call("resendConfirmationCode", () =>
      this.client.send(new ResendConfirmationCodeCommand({ ClientId: this.options.clientId, Username: email, ...this.secretHash(email) })),
    );
  }

  async passwordAuth(typed: string, password: string): Promise<ProviderAuthResult> {
    const email = normalizeEmail(typed);
    const answer = await this.call("passwordAuth", () =>
      this.client.send(
        new InitiateAuthCommand({
          ClientId: this.options.clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: email, PASSWORD: password, ...this.secretHashParam(email) },
        }),
      ),
    );
    return this.toAuthResult(answer, email);
  }

  async proofAuth(username: string, purpose: CustomAuthPurpose): Promise<ProviderTokens> {
    const key = this.options.customAuthKey;
    // Callers check first (passkeys need the key in AWS mode, recovery codes are off without it); this is the backstop.
    if (key === undefined) throw new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "CUSTOM_AUTH_NOT_CONFIGURED" });
    const started = await this.call("answerChallenge", () =>
      this.client.send(new InitiateAuthCommand({ ClientId: this.options.clientId, AuthFlow: "CUSTOM_AUTH", AuthParameters: { USERNAME: username, ...this.secretHashParam(username) } })),
    );
    if (started.ChallengeName !== "CUSTOM_CHALLENGE" || !started.Session) throw malformed(`CUSTOM_CHALLENGE (got ${started.ChallengeName ?? "none"})`);
    // The CreateAuthChallenge trigger's nonce (deploy/cognito-custom-auth): without it the pool's triggers are not ours.
    const nonce = started.ChallengeParameters?.["nonce"];
    if (!nonce) throw malformed("a nonce in the CUSTOM_CHALLENGE (are the custom-auth triggers deployed?)");
    const answer = await this.call("answerChallenge", () =>
      this.client.send(
        new RespondToAuthChallengeCommand({
          ClientId: this.options.clientId,
          ChallengeName: "CUSTOM_CHALLENGE",
          Session: started.Session,
          ChallengeResponses: { USERNAME: username, ANSWER: customAuthProof(key, { purpose, subject: username, nonce }), ...this.secretHashParam(username) },
          // VerifyAuthChallengeResponse reads the purpose here; it is part of the signed message, so it cannot be relabelled.
          ClientMetadata: { purpose },
        }),
      ),
    );
    if (!answer.AuthenticationResult) throw malformed(`tokens after CUSTOM_CHALLENGE (got ${answer.ChallengeName ?? "none"})`);
    return toTokens(answer.AuthenticationResult);
  }

  async answerSoftwareTokenMfa(username: string, session: string, code: string): Promise<ProviderAuthResult> {
    const answer = await this.call("answerChallenge", () =>
      this.client.send(
        new RespondToAuthChallengeCommand({
          ClientId: this.options.clientId,
          ChallengeName: "SOFTWARE_TOKEN_MFA",
          Session: session,
          ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code, ...this.secretHashParam(username) },
        }),
      ),
    );
    return this.toAuthResult(answer, username);
  }

  async associateSoftwareToken(credential: EnrolmentCredential): Promise<{ secret: string; session: string | undefined }> {
    const answer = await this.call("enrolSoftwareToken", () =>
      this.client.send(new AssociateSoftwareTokenCommand("accessToken" in credential ? { AccessToken: credential.accessToken } : { Session: credential.session })),
    );
    if (!answer.SecretCode) throw malformed("a TOTP secret");
    return { secret: answer.SecretCode, session: answer.Session };
  }

  async verifySoftwareToken(credential: EnrolmentCredential, code: string): Promise<{ session: string | undefined }> {
    const answer = await this.call("enrolSoftwareToken", () =>
      this.client.send(
        new VerifySoftwareTokenCommand({
          UserCode: code,
          FriendlyDeviceName: "authenticator",
          ...("accessToken" in credential ? { AccessToken: credential.accessToken } : { Session: credential.session }),
        }),
      ),
    );
    if (answer.Status !== "SUCCESS") throw new GatewayError(ErrorCode.CODE_MISMATCH);
    return { session: answer.Session };
  }

  async answerMfaSetup(username: string, session: string): Promise<ProviderAuthResult> {
    const answer = await this.call("answerChallenge", () =>
      this.client.send(
        new RespondToAuthChallengeCommand({
          ClientId: this.options.clientId,
          ChallengeName: "MFA_SETUP",
          Session: session,
          ChallengeResponses: { USERNAME: username, ...this.secretHashParam(username) },
        }),
      ),
    );
    return this.toAuthResult(answer, username);
  }

  async enableSoftwareTokenMfa(accessToken: string): Promise<void> {
    await this.call("enrolSoftwareToken", () =>
      this.client.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } })),
    );
  }

  async getProfile(accessToken: string): Promise<UserProfile> {
    const answer = await this.call("getProfile", () => this.client.send(new GetUserCommand({ AccessToken: accessToken })));
    const attr = (name: string): string | undefined => answer.UserAttributes?.find((a) => a.Name === name)?.Value;
    const sub = attr("sub");
    const email = attr("email");
    if (!sub || !email) throw malformed("sub and email");
    return {
      sub,
      email,
      emailVerified: attr("email_verified") === "true",
      givenName: attr("given_name"),
      familyName: attr("family_name"),
      mfaEnabled: (answer.UserMFASettingList ?? []).includes("SOFTWARE_TOKEN_MFA"),
    };
  }

  async refresh(refreshToken: string, sub: string): Promise<ProviderTokens> {
    const answer = await this.call("refresh", () =>
      this.client.send(
        new InitiateAuthCommand({
          ClientId: this.options.clientId,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          // Cognito computes SECRET_HASH for refresh over the internal user name (the sub), not the email.
          AuthParameters: { REFRESH_TOKEN: refreshToken, ...this.secretHashParam(sub) },
        }),
      ),
    );
    return toTokens(answer.AuthenticationResult);
  }

  async revokeRefreshToken(refreshToken: string): Promise<void> {
    await this.call("revoke", () =>
      this.client.send(new RevokeTokenCommand({ ClientId: this.options.clientId, Token: refreshToken, ClientSecret: this.options.clientSecret })),
    );
  }

  async forgotPassword(typed: string): Promise<void> {
    const email = normalizeEmail(typed);
    await this.call("forgotPassword", () => this.client.send(new ForgotPasswordCommand({ ClientId: this.options.clientId, Username: email, ...this.secretHash(email) })));
  }

  async confirmForgotPassword(typed: string, code: string, newPassword: string): Promise<void> {
    const email = normalizeEmail(typed);
    await this.call("confirmForgotPassword", () =>
      this.client.send(new ConfirmForgotPasswordCommand({ ClientId: this.options.clientId, Username: email, ConfirmationCode: code, Password: newPassword, ...this.secretHash(email) })),
    );
  }

  async changePassword(accessToken: string, currentPassword: string, newPassword: string): Promise<void> {
    await this.call("changePassword", () => this.client.send(new ChangePasswordCommand({ AccessToken: accessToken, PreviousPassword: currentPassword, ProposedPassword: newPassword })));
  }

  async answerNewPasswordRequired(username: string, session: string, newPassword: string): Promise<ProviderAuthResult> {
    const answer = await this.call("answerChallenge", () =>
      this.client.send(
        new RespondToAuthChallengeCommand({
          ClientId: this.options.clientId,
          ChallengeName: "NEW_PASSWORD_REQUIRED",
          Session: session,
          ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword, ...this.secretHashParam(username) },
        }),
      ),
    );
    return this.toAuthResult(answer, username);
  }

  async updateAttributes(accessToken: string, attributes: Partial<Record<"given_name" | "family_name" | "email", string>>): Promise<void> {
    const list = Object.entries(attributes).map(([Name, Value]) => ({ Name, Value: Name === "email" ? normalizeEmail(Value) : Value }));
    await this.call("updateAttributes", () => this.client.send(new UpdateUserAttributesCommand({ AccessToken: accessToken, UserAttributes: list })));
  }

  async verifyEmail(accessToken: string, code: string): Promise<void> {
    await this.call("verifyEmail", () => this.client.send(new VerifyUserAttributeCommand({ AccessToken: accessToken, AttributeName: "email", Code: code })));
  }

  async globalSignOut(accessToken: string): Promise<void> {
    if (this.options.emulator) return;
    await this.call("globalSignOut", () => this.client.send(new GlobalSignOutCommand({ AccessToken: accessToken })));
  }

  async checkReachable(): Promise<void> {
    try {
      await this.client.send(new GetUserCommand({ AccessToken: "readiness-probe" }));
    } catch (error) {
      // Any answer from the service (a 4xx refusing the probe token) proves it is reachable.
      const translated = translateCognitoError(error, "ping");
      if (translated instanceof GatewayError && translated.code === ErrorCode.SERVICE_UNAVAILABLE) throw translated;
    }
  }
}

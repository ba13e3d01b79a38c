import { customAuthSigningKey } from "../../src/shared/custom-auth-proof";
import { randomUUID } from "node:crypto";
import { authenticator } from "otplib";
import { CognitoIdentityProvider } from "../../src/auth/cognito/cognito-identity-provider";
import { AccountExistsError, type IdentityProvider, type ProviderAuthResult, type ProviderTokens } from "../../src/auth/identity-provider";
import { localCredentials } from "../../src/dev/provision-local";
import { ErrorCode, GatewayError } from "../../src/errors/error-codes";
import { FakeClock } from "../fakes/fake-clock";
import { MemoryIdentityProvider } from "../fakes/memory-identity-provider";
import { TEST_CODE, testCognito } from "../setup/test-cognito";
import { decodePayload } from "../support/jwt";
import { shiftTotpClock, totpNow } from "../support/totp-clock";

/**
 * One contract, two identity providers: the Cognito adapter against cognito-local, and the in-memory fake
 * flow tests use at unit speed. What the gateway relies on (answers, error codes, the TOTP window) must hold
 * for both, so a test passing on the fake says something about the real one. Time never passes by sleeping:
 * cognito-local's TOTP clock is shifted per secret (its test control), the fake's clock is injected.
 */
type Subject = {
  idp: IdentityProvider;
  /** "Now" on the provider's TOTP clock for this secret. */
  totpNow(secret: string): number;
  /** Moves the provider's TOTP clock for this secret (only that secret, on cognito-local). */
  advanceTotp(secret: string, ms: number): Promise<void>;
};

const cognitoLocal = (): Subject => {
  const cognito = testCognito();
  const idp = new CognitoIdentityProvider({ clientId: cognito.clientId, clientSecret: undefined, region: "local", endpoint: cognito.endpoint, credentials: localCredentials, emulator: true, customAuthKey: customAuthSigningKey(cognito.customAuthPrivateKey) });
  return { idp, totpNow, advanceTotp: shiftTotpClock };
};

const inMemory = (): Subject => {
  const clock = new FakeClock();
  const idp = new MemoryIdentityProvider({ clock, confirmationCode: TEST_CODE });
  return { idp, totpNow: () => clock.now(), advanceTotp: async (_secret, ms) => clock.advanceSeconds(ms / 1000) };
};

const PASSWORD = "Contract-Horse-Battery-9";
const codeAt = (subject: Subject, secret: string, steps: number) => authenticator.clone({ epoch: subject.totpNow(secret) + steps * 30_000 }).generate(secret);

const codeOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error.code;
    if (error instanceof AccountExistsError) return "ACCOUNT_EXISTS";
    throw error;
  }
  return "RESOLVED";
};

const tokensOf = (result: ProviderAuthResult): ProviderTokens => {
  if (result.kind !== "tokens") throw new Error(`expected tokens, got the ${result.name} challenge`);
  return result.tokens;
};

describe.each([
  ["cognito-local", cognitoLocal],
  ["in memory", inMemory],
])("IdentityProvider contract: %s", (_name, make) => {
  let subject: Subject;
  let idp: IdentityProvider;
  beforeEach(() => {
    subject = make();
    idp = subject.idp;
  });

  const email = () => `contract-${randomUUID()}@example.test`;
  const confirmed = async (address = email()) => {
    const { sub } = await idp.signUp({ email: address, password: PASSWORD, givenName: "Ada" });
    await idp.confirmSignUp(address, TEST_CODE);
    return { email: address, sub };
  };
  /** Confirmed, signed in, TOTP enrolled and enabled; the secret's enrolment code used one step back. */
  const enrolled = async () => {
    const user = await confirmed();
    const first = tokensOf(await idp.passwordAuth(user.email, PASSWORD));
    const { secret } = await idp.associateSoftwareToken({ accessToken: first.accessToken });
    await idp.verifySoftwareToken({ accessToken: first.accessToken }, codeAt(subject, secret, 0));
    await idp.enableSoftwareTokenMfa(first.accessToken);
    return { ...user, secret, tokens: first };
  };

  it("signs up once per email: the second sign-up is AccountExists; confirmation needs the right code", async () => {
    const address = email();
    const { sub } = await idp.signUp({ email: address, password: PASSWORD });
    expect(sub).toEqual(expect.any(String));
    expect(await codeOf(idp.signUp({ email: address, password: PASSWORD }))).toBe("ACCOUNT_EXISTS");
    expect(await codeOf(idp.passwordAuth(address, PASSWORD))).toBe(ErrorCode.USER_NOT_CONFIRMED);
    expect(await codeOf(idp.confirmSignUp(address, "000000"))).toBe(ErrorCode.CODE_MISMATCH);
    expect(await codeOf(idp.confirmSignUp(address, TEST_CODE))).toBe("RESOLVED");
  });

  it("signs in with the password: tokens for the sub (no MFA yet); a wrong password or unknown email is INVALID_CREDENTIALS", async () => {
    const user = await confirmed();
    const tokens = tokensOf(await idp.passwordAuth(user.email, PASSWORD));
    expect(decodePayload(tokens.accessToken)).toMatchObject({ sub: user.sub, token_use: "access" });
    expect(decodePayload(tokens.idToken)).toMatchObject({ sub: user.sub, email: user.email, token_use: "id" });
    expect(tokens).toMatchObject({ refreshToken: expect.any(String), expiresIn: expect.any(Number), tokenType: "Bearer" });
    // emailVerified after sign-up differs (real Cognito: true; cognito-local: false) and only ever shown, so not part of the contract.
    expect(await idp.getProfile(tokens.accessToken)).toEqual({ sub: user.sub, email: user.email, emailVerified: expect.any(Boolean), givenName: "Ada", familyName: undefined, mfaEnabled: false });
    expect(await codeOf(idp.passwordAuth(user.email, "Wrong-Horse-Battery-9"))).toBe(ErrorCode.INVALID_CREDENTIALS);
    expect(await codeOf(idp.passwordAuth(email(), PASSWORD))).toBe(ErrorCode.INVALID_CREDENTIALS);
  });

  it("enrols TOTP with an access token: a wrong code is CODE_MISMATCH, then the next login asks for SOFTWARE_TOKEN_MFA", async () => {
    const user = await confirmed();
    const tokens = tokensOf(await idp.passwordAuth(user.email, PASSWORD));
    const { secret } = await idp.associateSoftwareToken({ accessToken: tokens.accessToken });
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    expect(await codeOf(idp.verifySoftwareToken({ accessToken: tokens.accessToken }, codeAt(subject, secret, 5)))).toBe(ErrorCode.CODE_MISMATCH);
    await idp.verifySoftwareToken({ accessToken: tokens.accessToken }, codeAt(subject, secret, 0));
    await idp.enableSoftwareTokenMfa(tokens.accessToken);
    expect((await idp.getProfile(tokens.accessToken)).mfaEnabled).toBe(true);
    const login = await idp.passwordAuth(user.email, PASSWORD);
    expect(login).toEqual({ kind: "challenge", name: "SOFTWARE_TOKEN_MFA", session: expect.any(String), username: expect.any(String) });
  });

  it("accepts the codes of the previous, current and next 30 s step, and refuses two steps away", async () => {
    const user = await enrolled();
    // Half-way into a step, so "one step away" cannot cross a boundary while the request travels.
    await subject.advanceTotp(user.secret, 45_000 - (subject.totpNow(user.secret) % 30_000));
    const answer = async (steps: number) => {
      const login = await idp.passwordAuth(user.email, PASSWORD);
      if (login.kind !== "challenge") throw new Error("expected the MFA challenge");
      return codeOf(idp.answerSoftwareTokenMfa(login.username, login.session, codeAt(subject, user.secret, steps)));
    };
    expect([await answer(-2), await answer(2)]).toEqual([ErrorCode.CODE_MISMATCH, ErrorCode.CODE_MISMATCH]);
    expect([await answer(-1), await answer(0), await answer(1)]).toEqual(["RESOLVED", "RESOLVED", "RESOLVED"]);
    // Moving the clock moves the window: the code that was two steps ahead is now current.
    const ahead = codeAt(subject, user.secret, 2);
    await subject.advanceTotp(user.secret, 60_000);
    const login = await idp.passwordAuth(user.email, PASSWORD);
    if (login.kind !== "challenge") throw new Error("expected the MFA challenge");
    const tokens = tokensOf(await idp.answerSoftwareTokenMfa(login.username, login.session, ahead));
    expect(decodePayload(tokens.accessToken)).toMatchObject({ sub: user.sub });
  });

  it("refreshes with the refresh token until it is revoked", async () => {
    const user = await confirmed();
    const tokens = tokensOf(await idp.passwordAuth(user.email, PASSWORD));
    const refreshed = await idp.refresh(tokens.refreshToken!, user.sub);
    expect(decodePayload(refreshed.accessToken)).toMatchObject({ sub: user.sub, token_use: "access" });
    await idp.revokeRefreshToken(tokens.refreshToken!);
    expect(await codeOf(idp.refresh(tokens.refreshToken!, user.sub))).toBe(ErrorCode.UNAUTHENTICATED);
    expect(await codeOf(idp.refresh("not-a-refresh-token", user.sub))).toBe(ErrorCode.UNAUTHENTICATED);
  });

  it("changes the password only with the current one; forgot-password resets it with the emailed code", async () => {
    const user = await confirmed();
    const tokens = tokensOf(await idp.passwordAuth(user.email, PASSWORD));
    expect(await codeOf(idp.changePassword(tokens.accessToken, "Wrong-Horse-Battery-9", "Second-Horse-Battery-9"))).toBe(ErrorCode.INVALID_CREDENTIALS);
    await idp.changePassword(tokens.accessToken, PASSWORD, "Second-Horse-Battery-9");
    expect(await codeOf(idp.passwordAuth(user.email, PASSWORD))).toBe(ErrorCode.INVALID_CREDENTIALS);
    tokensOf(await idp.passwordAuth(user.email, "Second-Horse-Battery-9"));
    await idp.forgotPassword(user.email);
    expect(await codeOf(idp.confirmForgotPassword(user.email, "000000", "Third-Horse-Battery-9"))).toBe(ErrorCode.CODE_MISMATCH);
    await idp.confirmForgotPassword(user.email, TEST_CODE, "Third-Horse-Battery-9");
    tokensOf(await idp.passwordAuth(user.email, "Third-Horse-Battery-9"));
  });

  it("updates the names on the profile", async () => {
    const user = await confirmed();
    const tokens = tokensOf(await idp.passwordAuth(user.email, PASSWORD));
    await idp.updateAttributes(tokens.accessToken, { given_name: "Grace", family_name: "Hopper" });
    expect(await idp.getProfile(tokens.accessToken)).toMatchObject({ givenName: "Grace", familyName: "Hopper", email: user.email });
  });

  it("gives tokens for a factor the gateway verified itself (proofAuth), for that sub only", async () => {
    const user = await enrolled();
    const tokens = await idp.proofAuth(user.sub, "passkey");
    expect(decodePayload(tokens.accessToken)).toMatchObject({ sub: user.sub, token_use: "access" });
    expect(await codeOf(idp.proofAuth(randomUUID(), "recovery-code"))).toBe(ErrorCode.SESSION_EXPIRED);
  });

  it("is reachable", async () => {
    await idp.checkReachable();
  });
});

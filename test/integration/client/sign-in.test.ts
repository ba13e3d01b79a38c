import { AuthGatewayError, createAuthClient, decodeClaims, type Tokens, type TokenStorage } from "@hipaa-auth-gateway/client";
import { PasswordRotation } from "../../../src/policy/password-rotation";
import { AdminCreateUserDocument, MeDocument, RefreshTokensDocument } from "../../generated/graphql";
import { TEST_CODE } from "../../setup/test-cognito";
import { countingFetch, finishSignIn, signedInClient } from "../../support/auth-client";
import { dataOf, errorOf } from "../../support/graphql-client";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { adminUser, freshCode, PASSWORD, providerAccessToken, uniqueEmail } from "../../support/users";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const ME = "query { me { sub email groups } }";
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: unknown) => (error instanceof AuthGatewayError ? error.code : String(error)),
  );

describe("signing up and in with @hipaa-auth-gateway/client", () => {
  it("registers, confirms, enrols TOTP from MFA_SETUP and signs in; the tokens go to the app's storage", async () => {
    const saved: (Tokens | null)[] = [];
    let current: Tokens | null = null;
    const storage: TokenStorage = { load: async () => current, save: async (tokens) => void saved.push((current = tokens)) };
    const auth = createAuthClient({ url: gw.url, storage });
    const email = uniqueEmail();
    const signUp = await auth.register({ email, password: PASSWORD });
    expect(signUp).toMatchObject({ accepted: true, nextStep: { name: "CONFIRM_SIGN_UP" } });
    if (signUp.nextStep.name !== "CONFIRM_SIGN_UP") throw new Error("expected CONFIRM_SIGN_UP");
    await signUp.nextStep.resendCode();
    expect(await signUp.nextStep.confirm(TEST_CODE)).toEqual({ isSignUpComplete: true, nextStep: { name: "SIGN_IN" } });

    const first = await auth.signIn(email, PASSWORD);
    if (first.isSignedIn || first.nextStep.name !== "MFA_SETUP") throw new Error(`expected MFA_SETUP, got ${first.nextStep.name}`);
    const setup = await first.nextStep.beginSetup();
    expect(setup.secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(setup.otpauthUri).toContain(`secret=${setup.secret}`);
    expect(setup.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(await codeOf(setup.submitCode("000000"))).toBe("CODE_MISMATCH");
    const done = await setup.submitCode(await freshCode(setup.secret));

    expect(done).toMatchObject({ isSignedIn: true, nextStep: { name: "DONE" } });
    expect(saved).toHaveLength(1);
    expect(current).toEqual({ accessToken: expect.any(String), idToken: expect.any(String), refreshToken: expect.any(String), expiresAt: expect.any(Number) });
    // The access token is an opaque handle; its expiry is the provider token's own exp (cognito-local reports
    // expiresIn 3600 for 15-minute tokens, the gateway tells the handle's true life).
    expect(current!.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(current!.expiresAt).toBeLessThanOrEqual(Number(decodeClaims(await providerAccessToken(gw, current!.accessToken))["exp"]) * 1000);
    expect((await auth.request<{ me: { email: string } }>(ME)).me.email).toBe(email);

    // The next sign-in asks for a code from the enrolled authenticator.
    const again = await auth.signIn(email, PASSWORD);
    expect(again.nextStep.name).toBe("SOFTWARE_TOKEN_MFA");
    expect((await finishSignIn(again, { secret: setup.secret })).result.isSignedIn).toBe(true);
  });

  it("turns the gateway's errors into typed errors with their details", async () => {
    const auth = createAuthClient({ url: gw.url });
    const weak = await auth.register({ email: uniqueEmail(), password: "short" }).catch((error: unknown) => error);
    expect(weak).toBeInstanceOf(AuthGatewayError);
    expect(weak).toMatchObject({ code: "PASSWORD_POLICY_VIOLATION", details: { rules: expect.arrayContaining(["minLength"]) } });
    expect(await codeOf(auth.signIn(uniqueEmail(), PASSWORD))).toBe("INVALID_CREDENTIALS");
    expect(await codeOf(auth.confirmSignUp(uniqueEmail(), "000000"))).toBe("CODE_MISMATCH");
    expect(await auth.respondToMfa("not-a-handle", "123456").catch((error: unknown) => error)).toMatchObject({
      code: "BAD_USER_INPUT",
      details: { fields: [expect.objectContaining({ field: expect.stringContaining("session") })] },
    });
    expect(await codeOf(auth.respondToMfa("A".repeat(43), "123456"))).toBe("SESSION_EXPIRED");
    expect(await codeOf(auth.request(ME))).toBe("UNAUTHENTICATED");
    const policy = await auth.passwordPolicy();
    expect(policy.rules.map((r) => r.id)).toContain("minLength");
  });

  it("answers PASSWORD_EXPIRED wherever the gateway puts it in the sequence, then signs in", async () => {
    const { auth, email, secret } = await signedInClient(gw);
    const { me } = await auth.request<{ me: { sub: string } }>(ME);
    await gw.store.set(PasswordRotation.key(me.sub), String(Math.floor(Date.now() / 1000) - 91 * 86400), 3600);
    const { steps, result } = await finishSignIn(await auth.signIn(email, PASSWORD), { secret, newPassword: "Rotated-Passw0rd-1" });
    expect(steps).toEqual(expect.arrayContaining(["PASSWORD_EXPIRED", "SOFTWARE_TOKEN_MFA"]));
    expect(result.isSignedIn).toBe(true);
    expect((await auth.request<{ me: { sub: string } }>(ME)).me.sub).toBe(me.sub);
  });

  it("answers NEW_PASSWORD_REQUIRED for an invited user, then MFA_SETUP", async () => {
    const admin = await adminUser(gw);
    const email = uniqueEmail();
    dataOf(await gw.run(AdminCreateUserDocument, { input: { email } }, { token: admin.accessToken }));
    const auth = createAuthClient({ url: gw.url });
    // cognito-local makes the temporary password its CODE.
    const { steps, result } = await finishSignIn(await auth.signIn(email, TEST_CODE), { newPassword: PASSWORD });
    expect(steps).toEqual(["NEW_PASSWORD_REQUIRED", "MFA_SETUP"]);
    expect(result.isSignedIn).toBe(true);
  });

  it("resets a forgotten password", async () => {
    const { auth, email, secret } = await signedInClient(gw);
    const other = createAuthClient({ url: gw.url });
    await other.forgotPassword(email);
    expect(await codeOf(other.confirmForgotPassword(email, TEST_CODE, "weak"))).toBe("PASSWORD_POLICY_VIOLATION");
    await other.confirmForgotPassword(email, TEST_CODE, "Recovered-Passw0rd-2");
    // A reset ends every session: the first client's refresh now fails and forgets its tokens.
    expect(await codeOf(auth.refreshTokens())).toBe("UNAUTHENTICATED");
    expect(await auth.getTokens()).toBeNull();
    expect((await finishSignIn(await other.signIn(email, "Recovered-Passw0rd-2"), { secret })).result.isSignedIn).toBe(true);
  });
});

describe("refresh and logout", () => {
  it("refreshes once for any number of concurrent callers (single flight), and the new token works", async () => {
    let clock = Date.now();
    const fetch = countingFetch("refreshTokens");
    const { auth } = await signedInClient(gw, { fetch, now: () => clock });
    const before = (await auth.getTokens())!;
    expect(await auth.getAccessToken()).toBe(before.accessToken);
    expect(fetch.count()).toBe(0);

    clock = before.expiresAt - 30_000; // inside the 60-second leeway
    const tokens = await Promise.all([auth.getAccessToken(), auth.getAccessToken(), auth.refreshTokens().then((t) => t.accessToken), auth.getAccessToken(), auth.getAccessToken()]);
    expect(fetch.count()).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(before.accessToken);
    // The gateway does not rotate refresh tokens here: the client keeps the one it has.
    expect((await auth.getTokens())!.refreshToken).toBe(before.refreshToken);
    // Back to real time (cognito-local stamped the new token with it): the new token is fresh, no refresh.
    clock = Date.now();
    expect((await auth.request<{ me: { sub: string } }>(ME)).me.sub).toEqual(expect.any(String));
    expect(fetch.count()).toBe(1);

    // A later refresh is a new request again.
    await auth.refreshTokens();
    expect(fetch.count()).toBe(2);
  });

  it("logs out at the gateway: the old tokens stop working and the storage is empty", async () => {
    const { auth } = await signedInClient(gw);
    const tokens = (await auth.getTokens())!;
    const changes: (Tokens | null)[] = [];
    auth.onTokensChange((t) => changes.push(t));
    await auth.logout();
    expect(changes).toEqual([null]);
    expect(await auth.getTokens()).toBeNull();
    expect(await auth.getAccessToken()).toBeNull();
    expect(errorOf(await gw.run(MeDocument, {}, { token: tokens.accessToken })).extensions.reason).toBe("TOKEN_REVOKED");
    expect(errorOf(await gw.run(RefreshTokensDocument, { refreshToken: tokens.refreshToken! })).extensions.code).toBe("UNAUTHENTICATED");
    await auth.logout(); // signed out already: nothing to do, no error
  });

  it("logs out with an access token that expired locally by refreshing first", async () => {
    let clock = Date.now();
    const fetch = countingFetch("refreshTokens");
    const { auth } = await signedInClient(gw, { fetch, now: () => clock });
    const tokens = (await auth.getTokens())!;
    clock = tokens.expiresAt + 1000;
    await auth.logout();
    expect(fetch.count()).toBe(1);
    expect(errorOf(await gw.run(RefreshTokensDocument, { refreshToken: tokens.refreshToken! })).extensions.code).toBe("UNAUTHENTICATED");
  });
});

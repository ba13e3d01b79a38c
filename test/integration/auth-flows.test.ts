import {
  BeginMfaSetupDocument,
  CompleteMfaSetupDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  RefreshTokensDocument,
  RespondToMfaDocument,
} from "../generated/graphql";
import { dataOf, errorOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, loginWithMfa, PASSWORD, registerConfirmed, freshCode } from "../support/users";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

describe("the core flows over HTTP", () => {
  it("register → confirm → login → MFA setup → me → refresh → logout", async () => {
    const email = await registerConfirmed(gw);

    const login = dataOf(await gw.run(LoginDocument, { email, password: PASSWORD })).login;
    expect(login.tokens).toBeNull();
    expect(login.challenge?.name).toBe("MFA_SETUP");

    const setup = dataOf(await gw.run(BeginMfaSetupDocument, { session: login.challenge!.session })).beginMfaSetup;
    expect(setup.secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(setup.otpauthUri).toContain(`otpauth://totp/Test%20Gateway%3A${encodeURIComponent(email)}?secret=${setup.secret}`);
    expect(setup.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(setup.session).not.toBe(login.challenge!.session);

    const done = dataOf(await gw.run(CompleteMfaSetupDocument, { session: setup.session, code: await freshCode(setup.secret) })).completeMfaSetup;
    expect(done.challenge).toBeNull();
    expect(done.tokens).toMatchObject({ tokenType: "Bearer", expiresIn: expect.any(Number) });
    const { accessToken, refreshToken } = done.tokens!;
    expect(refreshToken).toBeTruthy();

    const me = dataOf(await gw.run(MeDocument, {}, { token: accessToken })).me;
    expect(me).toMatchObject({ email, givenName: "Ada", familyName: "Lovelace", groups: [], mfaEnabled: true });
    expect(me.sub).toMatch(/^[0-9a-f-]{36}$/);

    const refreshed = dataOf(await gw.run(RefreshTokensDocument, { refreshToken: refreshToken! })).refreshTokens.tokens!;
    expect(refreshed.accessToken).not.toBe(accessToken);
    expect(dataOf(await gw.run(MeDocument, {}, { token: refreshed.accessToken })).me.sub).toBe(me.sub);

    expect(dataOf(await gw.run(LogoutDocument, { refreshToken }, { token: refreshed.accessToken })).logout).toBe(true);
    for (const token of [accessToken, refreshed.accessToken]) {
      const after = await gw.run(MeDocument, {}, { token });
      expect(after.status).toBe(401);
      expect(errorOf(after).extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
    }
    expect(errorOf(await gw.run(RefreshTokensDocument, { refreshToken: refreshToken! })).extensions.code).toBe("UNAUTHENTICATED");
  });

  it("an enrolled user logs in with a SOFTWARE_TOKEN_MFA challenge, never with tokens directly", async () => {
    const user = await enrolledUser(gw);
    const login = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login;
    expect(login).toEqual({ tokens: null, challenge: { name: "SOFTWARE_TOKEN_MFA", session: expect.any(String) } });
    const answer = dataOf(await gw.run(RespondToMfaDocument, { session: login.challenge!.session, code: await freshCode(user.secret) })).respondToMfa;
    expect(answer.tokens?.accessToken).toBeTruthy();
    expect(dataOf(await gw.run(MeDocument, {}, { token: answer.tokens!.accessToken })).me.email).toBe(user.email);
  });

  it("keeps the first tokens back until enrolment is verified: a second login is MFA_SETUP again", async () => {
    const email = await registerConfirmed(gw);
    const first = dataOf(await gw.run(LoginDocument, { email, password: PASSWORD })).login;
    dataOf(await gw.run(BeginMfaSetupDocument, { session: first.challenge!.session }));
    const second = dataOf(await gw.run(LoginDocument, { email, password: PASSWORD })).login;
    expect(second).toEqual({ tokens: null, challenge: { name: "MFA_SETUP", session: expect.any(String) } });
  });

  it("logout without a refresh token still ends the session at once, and refresh for it fails", async () => {
    const user = await enrolledUser(gw);
    expect(dataOf(await gw.run(LogoutDocument, {}, { token: user.accessToken })).logout).toBe(true);
    expect(errorOf(await gw.run(MeDocument, {}, { token: user.accessToken })).extensions.reason).toBe("TOKEN_REVOKED");
    expect(errorOf(await gw.run(RefreshTokensDocument, { refreshToken: user.refreshToken })).extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
  });

  it("a logout ends only that session: another login of the same user keeps working", async () => {
    const user = await enrolledUser(gw);
    const other = await loginWithMfa(gw, user);
    dataOf(await gw.run(LogoutDocument, {}, { token: user.accessToken }));
    expect(dataOf(await gw.run(MeDocument, {}, { token: other.tokens!.accessToken })).me.email).toBe(user.email);
  });
});

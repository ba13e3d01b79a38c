import {
  CompleteExpiredPasswordDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  RespondToMfaDocument,
  SessionsDocument,
} from "../../generated/graphql";
import { FakeClock } from "../../fakes/fake-clock";
import { dataOf, errorOf } from "../../support/graphql-client";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { codesUsed, enrolledUser, freshCode, loginWithMfa, PASSWORD, providerAccessToken } from "../../support/users";

const NEW_PASSWORD = "Rotated-Passphrase-2026!";

describe("the order of a login's steps", () => {
  let gw: TestGateway;
  let clock: FakeClock;
  beforeAll(async () => {
    clock = new FakeClock();
    gw = await startTestGateway({ clock });
  });
  afterAll(() => gw.close());

  const login = async (email: string, password = PASSWORD) => dataOf(await gw.run(LoginDocument, { email, password })).login.challenge!;

  it("B: an expired password is changed only after MFA, and the account's older sessions stay dead", async () => {
    const user = await enrolledUser(gw);
    const older = (await loginWithMfa(gw, user)).tokens!;
    // The provider tokens behind the handles: 91 days on, the handles themselves are long forgotten, and what
    // must stay refused is the sessions (the registry's answer), not merely the handles.
    const olderTokens = [await providerAccessToken(gw, user.accessToken), await providerAccessToken(gw, older.accessToken)];
    clock.advanceSeconds(91 * 86400);
    // The password alone proves nothing more than before: the MFA step comes first.
    const first = await login(user.email);
    expect(first.name).toBe("SOFTWARE_TOKEN_MFA");
    expect(errorOf(await gw.run(CompleteExpiredPasswordDocument, { session: first.session, newPassword: NEW_PASSWORD, currentPassword: PASSWORD })).extensions.code).toBe("SESSION_EXPIRED");
    // The attempt above changed nothing: the old password still opens a login.
    const second = await login(user.email);
    const afterMfa = dataOf(await gw.run(RespondToMfaDocument, { session: second.session, code: await freshCode(user.secret) })).respondToMfa;
    expect(afterMfa).toEqual({ tokens: null, challenge: { name: "PASSWORD_EXPIRED", session: expect.any(String) } });
    const done = dataOf(await gw.run(CompleteExpiredPasswordDocument, { session: afterMfa.challenge!.session, newPassword: NEW_PASSWORD, currentPassword: PASSWORD })).completeExpiredPassword;
    expect(done.tokens?.accessToken).toEqual(expect.any(String));
    // The new password date must not revive the sessions opened with the old one.
    for (const token of olderTokens) {
      expect(errorOf(await gw.run(MeDocument, {}, { token })).extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
    }
    for (const token of [user.accessToken, older.accessToken]) expect(errorOf(await gw.run(MeDocument, {}, { token })).extensions.code).toBe("UNAUTHENTICATED");
    const sessions = dataOf(await gw.run(SessionsDocument, {}, { token: done.tokens!.accessToken })).sessions;
    expect(sessions).toHaveLength(1);
    expect(errorOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).extensions.code).toBe("INVALID_CREDENTIALS");
  });

  it("B: a PASSWORD_EXPIRED handle is single use and bound to its login", async () => {
    const user = await enrolledUser(gw);
    clock.advanceSeconds(91 * 86400);
    const challenge = await login(user.email);
    const expired = dataOf(await gw.run(RespondToMfaDocument, { session: challenge.session, code: await freshCode(user.secret) })).respondToMfa.challenge!;
    expect(dataOf(await gw.run(CompleteExpiredPasswordDocument, { session: expired.session, newPassword: NEW_PASSWORD, currentPassword: PASSWORD })).completeExpiredPassword.tokens).not.toBeNull();
    expect(errorOf(await gw.run(CompleteExpiredPasswordDocument, { session: expired.session, newPassword: "Yet-Another-Passphrase-7", currentPassword: NEW_PASSWORD })).extensions.code).toBe("SESSION_EXPIRED");
  });

  it("H: a code already used in this window is refused without burning the handle", async () => {
    const user = await enrolledUser(gw);
    const first = await login(user.email);
    const code = await freshCode(user.secret);
    const tokens = dataOf(await gw.run(RespondToMfaDocument, { session: first.session, code })).respondToMfa.tokens!;
    dataOf(await gw.run(LogoutDocument, { refreshToken: tokens.refreshToken }, { token: tokens.accessToken }));
    const again = await login(user.email);
    // The authenticator app still shows the same code: typed again, it is refused…
    expect(errorOf(await gw.run(RespondToMfaDocument, { session: again.session, code })).extensions.code).toBe("CODE_MISMATCH");
    expect(codesUsed(user.secret)).toContain(code);
    // …and the next code still completes the same login.
    const next = dataOf(await gw.run(RespondToMfaDocument, { session: again.session, code: await freshCode(user.secret) })).respondToMfa;
    expect(next.tokens?.accessToken).toEqual(expect.any(String));
  });

  it("logs out with the refresh token alone once the access token can no longer be used", async () => {
    const user = await enrolledUser(gw);
    dataOf(await gw.run(LogoutDocument, { refreshToken: user.refreshToken }));
    expect(errorOf(await gw.run(MeDocument, {}, { token: user.accessToken })).extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
    expect(errorOf(await gw.run(LogoutDocument, { refreshToken: user.refreshToken })).extensions).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

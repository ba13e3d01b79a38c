import {
  BeginMfaSetupDocument,
  BeginPasskeyLoginDocument,
  BeginPasskeyMfaDocument,
  BeginPasskeyRegistrationDocument,
  CompleteExpiredPasswordDocument,
  CompleteMfaSetupDocument,
  CompletePasskeyLoginDocument,
  CompletePasskeyRegistrationDocument,
  GenerateRecoveryCodesDocument,
  LoginDocument,
  MeDocument,
  PasskeysDocument,
  RespondWithPasskeyDocument,
  RespondWithRecoveryCodeDocument,
} from "../generated/graphql";
import { FakeClock } from "../fakes/fake-clock";
import { dataOf, errorOf } from "../support/graphql-client";
import { SoftAuthenticator, type SoftAuthenticatorSettings } from "../support/soft-authenticator";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, loginWithMfa, PASSWORD, type EnrolledUser } from "../support/users";

/** Issue 22, rows 2, 8 and 9: what a passkey alone may do, and a recovery code raced against itself. */
const origin = "http://localhost:4000";
const clock = new FakeClock();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ clock });
});
afterAll(() => gw.close());

const withPasskey = async (settings: SoftAuthenticatorSettings = { origin }): Promise<EnrolledUser & { key: SoftAuthenticator }> => {
  const user = await enrolledUser(gw);
  const key = new SoftAuthenticator(settings);
  const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).beginPasskeyRegistration;
  dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: key.register(options), nickname: "Key" }, { token: user.accessToken }));
  return { ...user, key };
};
const passkeyAlone = async (key: SoftAuthenticator) => {
  const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
  return gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: key.assert(begun.options) });
};
const passwordStep = async (email: string, password = PASSWORD) => dataOf(await gw.run(LoginDocument, { email, password })).login.challenge!.session;

describe("ATTACK: a passkey alone never chooses the next password (issue 22 row 2)", () => {
  it("end to end: a passkey holder reaching PASSWORD_EXPIRED cannot set a password; the owner's password keeps working", async () => {
    const owner = await withPasskey();
    const ninetyOneDays = 91 * 24 * 3600;
    clock.advanceSeconds(ninetyOneDays);
    try {
      const expired = dataOf(await passkeyAlone(owner.key)).completePasskeyLogin;
      expect(expired.challenge?.name).toBe("PASSWORD_EXPIRED");
      const attackerPassword = "Attacker-Chosen-Password-1";
      const without = await gw.run(CompleteExpiredPasswordDocument, { session: expired.challenge!.session, newPassword: attackerPassword });
      expect(without.data?.completeExpiredPassword ?? null).toBeNull();
      expect(errorOf(without).extensions).toMatchObject({ code: "FORBIDDEN", reason: "CURRENT_PASSWORD_REQUIRED" });
      const again = dataOf(await passkeyAlone(owner.key)).completePasskeyLogin;
      const guessed = await gw.run(CompleteExpiredPasswordDocument, { session: again.challenge!.session, newPassword: attackerPassword, currentPassword: "Not-The-Password-42" });
      expect(errorOf(guessed).extensions.code).toBe("INVALID_CREDENTIALS");
      expect(gw.audit.records.some((x) => x.event === "PASSWORD_EXPIRED_CHANGE" && x.outcome === "SUCCESS")).toBe(false);
      // The attacker's password does not open the account; the owner's still does, and the owner rotates it.
      expect(errorOf(await gw.run(LoginDocument, { email: owner.email, password: attackerPassword })).extensions.code).toBe("INVALID_CREDENTIALS");
      const third = dataOf(await passkeyAlone(owner.key)).completePasskeyLogin;
      const rotated = dataOf(await gw.run(CompleteExpiredPasswordDocument, { session: third.challenge!.session, newPassword: "Owner-Rotated-Password-2", currentPassword: PASSWORD })).completeExpiredPassword;
      expect(rotated.tokens?.accessToken).toBeTruthy();
    } finally {
      clock.advanceSeconds(-ninetyOneDays);
    }
  });
});

describe("ATTACK: sole-factor passkey sign-in needs a user-verified enrolment (issue 22 row 8)", () => {
  it("a passkey enrolled without user verification does not sign in alone by asserting UV later; it stays a second factor", async () => {
    const settings: SoftAuthenticatorSettings = { origin, userVerified: false };
    const user = await withPasskey(settings);
    expect(dataOf(await gw.run(PasskeysDocument, {}, { token: user.accessToken })).passkeys[0]!.userVerified).toBe(false);
    settings.userVerified = true;
    const alone = await passkeyAlone(user.key);
    expect(alone.data?.completePasskeyLogin ?? null).toBeNull();
    expect(errorOf(alone).extensions.code).toBe("INVALID_CREDENTIALS");
    expect(gw.audit.records.some((x) => x.event === "PASSKEY_REFUSED" && x.reason === "ENROLLED_WITHOUT_USER_VERIFICATION")).toBe(true);
    // After the password it is still a second factor.
    const begun = dataOf(await gw.run(BeginPasskeyMfaDocument, { session: await passwordStep(user.email) })).beginPasskeyMfa;
    const tokens = dataOf(await gw.run(RespondWithPasskeyDocument, { session: begun.session, response: user.key.assert(begun.options) })).respondWithPasskey.tokens;
    expect(tokens?.accessToken).toBeTruthy();
  });
});

describe("ATTACK: one recovery code sent many times at once (issue 22 row 9)", () => {
  it("the duplicates of the winning code are not guesses: no lockout, the winner finishes re-enrolment", async () => {
    const user = await enrolledUser(gw);
    const [code] = dataOf(await gw.run(GenerateRecoveryCodesDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).generateRecoveryCodes;
    const handles: string[] = [];
    for (let i = 0; i < 20; i++) handles.push(await passwordStep(user.email));
    const answers = await Promise.all(handles.map((session) => gw.run(RespondWithRecoveryCodeDocument, { session, code: code! })));
    const winners = answers.filter((r) => r.data?.respondWithRecoveryCode?.challenge?.name === "MFA_SETUP");
    expect(winners).toHaveLength(1);
    // A right code is never answered as a wrong one, and nothing locked the account.
    expect(answers.flatMap((r) => r.errors ?? []).map((e) => e.extensions.code)).not.toContain("CODE_MISMATCH");
    const setup = dataOf(await gw.run(BeginMfaSetupDocument, { session: winners[0]!.data!.respondWithRecoveryCode.challenge!.session })).beginMfaSetup;
    const done = dataOf(await gw.run(CompleteMfaSetupDocument, { session: setup.session, code: await freshCode(setup.secret) })).completeMfaSetup;
    expect(done.tokens?.accessToken).toBeTruthy();
    const sub = dataOf(await gw.run(MeDocument, {}, { token: done.tokens!.accessToken })).me.sub;
    expect(gw.audit.records.filter((x) => x.event === "LOCKOUT" && x.subject === sub)).toEqual([]);
    expect((await loginWithMfa(gw, { email: user.email, secret: setup.secret })).tokens?.accessToken).toBeTruthy();
  });
});

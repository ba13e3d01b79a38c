import {
  BeginPasskeyLoginDocument,
  BeginPasskeyRegistrationDocument,
  CompleteMfaSetupDocument,
  CompletePasskeyLoginDocument,
  CompletePasskeyRegistrationDocument,
  ConfirmForgotPasswordDocument,
  ForgotPasswordDocument,
  LoginDocument,
  LogoutEverywhereDocument,
  MeDocument,
  ResetMfaDocument,
  RespondToMfaDocument,
} from "../generated/graphql";
import { TEST_CODE } from "../setup/test-cognito";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, type EnrolledUser } from "../support/users";

/**
 * ATTACK: the thief's passkey outlives everything the owner can do to get the account back, short of finding it.
 *
 * Severity: high (black box, stolen access token + ONE phished code, 2026-12-07). With the stolen session and one
 * phished code the thief registers a passkey of their own that verifies the user: it signs in ALONE (both factors),
 * and through beginPasskeyStepUp it is also a fresh factor for every sensitive change afterwards. The owner hears
 * PASSKEY_ADDED (nickname chosen by the thief) and reacts the way the product's own recovery paths offer:
 *  - resets the password through their own mailbox (forgotPassword → confirmForgotPassword: "ends every session");
 *  - signs out everywhere;
 *  - replaces the authenticator (resetMfa → completeMfaSetup: "all others end").
 * None of them takes the thief's passkey back: only the undo of an email change (there was none), adminResetMfa
 * and the recovery-code flow revoke passkeys. The thief signs in alone with the passkey afterwards, every time,
 * and holds the account (and its fresh factor) indefinitely.
 *
 * Should: the account-recovery paths that exist because the account may be in someone else's hands (a reset
 * through the mailbox, a self-service authenticator replacement) take back the account's passkeys, as
 * respondWithRecoveryCode and adminResetMfa already do (the owner enrols theirs again); so after either, the
 * thief's passkey no longer signs in.
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail, answerFloorMs: 0 });
});
afterAll(() => gw.close());

const OWNERS_NEW_PASSWORD = "Owners-Own-Reset-Passw0rd-77";

/** The thief: the stolen session, one phished code, their own passkey (user-verifying, signs in alone). */
const thiefAddsPasskey = async (owner: EnrolledUser): Promise<SoftAuthenticator> => {
  const thiefsKey = new SoftAuthenticator({ origin: "http://localhost:4000" });
  const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(owner.secret) }, { token: owner.accessToken })).beginPasskeyRegistration;
  dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: thiefsKey.register(options), nickname: "Phone" }, { token: owner.accessToken }));
  return thiefsKey;
};

/** The thief's sign-in with the passkey alone: the account's email, or undefined when refused. */
const thiefSignsInAlone = async (thiefsKey: SoftAuthenticator): Promise<string | undefined> => {
  const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
  const signIn = await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: thiefsKey.assert(begun.options) });
  const token = signIn.data?.completePasskeyLogin?.tokens?.accessToken;
  return token ? dataOf(await gw.run(MeDocument, {}, { token })).me.email : undefined;
};

const ownerSignsIn = async (owner: EnrolledUser, password: string): Promise<string> => {
  const login = dataOf(await gw.run(LoginDocument, { email: owner.email, password })).login;
  return dataOf(await gw.run(RespondToMfaDocument, { session: login.challenge!.session, code: await freshCode(owner.secret) })).respondToMfa.tokens!.accessToken;
};

describe("ATTACK: a passkey added with a stolen session survives the owner's recovery", () => {
  it("(control) the owner is told, and the thief's passkey signs in alone before the owner reacts", async () => {
    const owner = await enrolledUser(gw);
    const thiefsKey = await thiefAddsPasskey(owner);
    expect(mail.to(owner.email, "PASSKEY_ADDED")).toHaveLength(1);
    expect(await thiefSignsInAlone(thiefsKey)).toBe(owner.email);
  });

  it("after the owner resets the password through their own mailbox and signs out everywhere, the thief's passkey no longer signs in", async () => {
    const owner = await enrolledUser(gw);
    const thiefsKey = await thiefAddsPasskey(owner);

    // The owner's reaction to PASSKEY_ADDED: the documented recovery (a reset ends every session), then sign out everywhere.
    dataOf(await gw.run(ForgotPasswordDocument, { email: owner.email }));
    dataOf(await gw.run(ConfirmForgotPasswordDocument, { email: owner.email, code: TEST_CODE, newPassword: OWNERS_NEW_PASSWORD }));
    expect((await gw.run(MeDocument, {}, { token: owner.accessToken })).errors?.[0]?.extensions?.["code"]).toBe("UNAUTHENTICATED");
    const ownersToken = await ownerSignsIn(owner, OWNERS_NEW_PASSWORD);
    dataOf(await gw.run(LogoutEverywhereDocument, {}, { token: ownersToken }));

    expect(await thiefSignsInAlone(thiefsKey)).toBeUndefined();
  });

  it("after the owner replaces the authenticator (resetMfa → completeMfaSetup), the thief's passkey no longer signs in", async () => {
    const owner = await enrolledUser(gw);
    const thiefsKey = await thiefAddsPasskey(owner);

    // The owner, signed in again on their own device, replaces the authenticator ("all other sessions end"),
    // as adminResetMfa would for them (which also revokes the passkeys).
    const ownersToken = await ownerSignsIn(owner, "Correct-Horse-Battery-9");
    const setup = dataOf(await gw.run(ResetMfaDocument, { currentPassword: "Correct-Horse-Battery-9", code: await freshCode(owner.secret) }, { token: ownersToken })).resetMfa;
    dataOf(await gw.run(CompleteMfaSetupDocument, { session: setup.session, code: await freshCode(setup.secret) }));

    expect(await thiefSignsInAlone(thiefsKey)).toBeUndefined();
  });
});

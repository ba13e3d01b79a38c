import {
  BeginPasskeyRegistrationDocument,
  BeginPasskeyStepUpDocument,
  ChangePasswordDocument,
  CompletePasskeyRegistrationDocument,
  ConfirmEmailChangeDocument,
  GenerateRecoveryCodesDocument,
  LoginDocument,
  MeDocument,
  PasskeysDocument,
  RecoveryCodesLeftDocument,
  RemovePasskeyDocument,
  RequestEmailChangeDocument,
  ResetMfaDocument,
  RespondWithRecoveryCodeDocument,
  UndoEmailChangeDocument,
} from "../generated/graphql";
import { FakeClock } from "../fakes/fake-clock";
import { dataOf, errorOf, type GraphQLResponse } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { codesUsed, enrolledUser, freshCode, loginWithMfa, PASSWORD, totp, uniqueEmail, type EnrolledUser } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * Issue 22, row 1: a stolen access token (taken right after the owner's login, inside what used to be a
 * 5-minute step-up window) must change no sign-in method and not the recovery channel. Every such change
 * proves a fresh factor in its own request; the old address hears of an email change and can undo it.
 */
const origin = "http://localhost:4000";
const clock = new FakeClock();
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ clock, notifier: mail });
});
afterAll(() => gw.close());

const stepUpRefused = (r: GraphQLResponse<unknown>) => expect(errorOf(r).extensions).toMatchObject({ code: "FORBIDDEN", reason: "STEP_UP_REQUIRED" });
const withPasskey = async (): Promise<EnrolledUser & { key: SoftAuthenticator }> => {
  const user = await enrolledUser(gw);
  const key = new SoftAuthenticator({ origin });
  const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).beginPasskeyRegistration;
  dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: key.register(options), nickname: "Phone" }, { token: user.accessToken }));
  return { ...user, key };
};

describe("ATTACK: account takeover with a stolen access token (issue 22 row 1)", () => {
  it("end to end: the thief's token, fresh from the owner's login, changes nothing of the account", async () => {
    const owner = await withPasskey();
    const stolen = (await loginWithMfa(gw, owner)).tokens!.accessToken;
    const thief = uniqueEmail();

    stepUpRefused(await gw.run(RequestEmailChangeDocument, { newEmail: thief }, { token: stolen }));
    stepUpRefused(await gw.run(BeginPasskeyRegistrationDocument, {}, { token: stolen }));
    stepUpRefused(await gw.run(GenerateRecoveryCodesDocument, {}, { token: stolen }));
    stepUpRefused(await gw.run(RemovePasskeyDocument, { id: owner.key.id }, { token: stolen }));
    // Even a phished password is not enough: the factor is the proof a token cannot carry.
    stepUpRefused(await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: "Thief-Chosen-Password-77" }, { token: stolen }));
    // A wrong code, or a code the owner already used, is no fresh factor either.
    const wrong = totp(owner.secret, 7);
    expect(errorOf(await gw.run(GenerateRecoveryCodesDocument, { code: wrong }, { token: stolen })).extensions.code).toBe("CODE_MISMATCH");
    const replayed = codesUsed(owner.secret).at(-1)!;
    expect(errorOf(await gw.run(RequestEmailChangeDocument, { newEmail: thief, code: replayed }, { token: stolen })).extensions.code).toBe("CODE_MISMATCH");
    // A passkey answer needs the owner's authenticator.
    const options = dataOf(await gw.run(BeginPasskeyStepUpDocument, {}, { token: stolen })).beginPasskeyStepUp;
    const foreign = new SoftAuthenticator({ origin });
    expect(errorOf(await gw.run(GenerateRecoveryCodesDocument, { passkey: foreign.assert(options) }, { token: stolen })).extensions.code).toBe("INVALID_CREDENTIALS");
    // confirmEmailChange has nothing to confirm.
    expect((await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: stolen })).data?.confirmEmailChange ?? null).toBeNull();

    const me = dataOf(await gw.run(MeDocument, {}, { token: stolen })).me;
    expect(me.email).toBe(owner.email);
    expect(dataOf(await gw.run(PasskeysDocument, {}, { token: stolen })).passkeys.map((p) => p.id)).toEqual([owner.key.id]);
    expect(dataOf(await gw.run(RecoveryCodesLeftDocument, {}, { token: stolen })).recoveryCodesLeft).toBe(0);
    // The owner still signs in with the same email, password and authenticator; nothing was sent to the thief.
    expect((await loginWithMfa(gw, owner)).tokens?.accessToken).toBeTruthy();
    expect(mail.to(thief)).toEqual([]);
  });

  it("resetMfa (replacing the authenticator) needs the password and a code from the current one in the request", async () => {
    const owner = await enrolledUser(gw);
    const r = await gw.run(ResetMfaDocument, { currentPassword: PASSWORD, code: totp(owner.secret, 9) }, { token: owner.accessToken });
    expect(r.data?.resetMfa ?? null).toBeNull();
    expect(errorOf(r).extensions.code).toBe("CODE_MISMATCH");
  });

  it("with a fresh code the owner changes the email; the OLD address is told at once and undoes it without signing in", async () => {
    const owner = await enrolledUser(gw);
    const newEmail = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    const notice = mail.to(owner.email, "EMAIL_CHANGED");
    expect(notice).toHaveLength(1);
    expect(mail.to(newEmail, "EMAIL_CHANGED")).toEqual([]);

    const undone = await gw.run(UndoEmailChangeDocument, { token: notice[0]!.undoToken! });
    expect(undone.data?.undoEmailChange).toBe(true);
    // Every session ended; the old address signs in again, the new one does not.
    expect(errorOf(await gw.run(MeDocument, {}, { token: owner.accessToken })).extensions.code).toBe("UNAUTHENTICATED");
    const back = (await loginWithMfa(gw, owner)).tokens!.accessToken;
    expect(dataOf(await gw.run(MeDocument, {}, { token: back })).me.email).toBe(owner.email);
    expect(errorOf(await gw.run(LoginDocument, { email: newEmail, password: PASSWORD })).extensions.code).toBe("INVALID_CREDENTIALS");
    // Single use, and audited with the subject but without the token or an address.
    expect(errorOf(await gw.run(UndoEmailChangeDocument, { token: notice[0]!.undoToken! })).extensions).toMatchObject({ code: "CODE_EXPIRED", reason: "UNDO_INVALID" });
    const records = gw.audit.records.filter((x) => x.event === "EMAIL_CHANGE_UNDO");
    expect(records.map((x) => x.outcome)).toEqual(["INTENT", "SUCCESS", "INTENT", "FAILURE"]);
    expect(JSON.stringify(records)).not.toContain(notice[0]!.undoToken!);
    expect(JSON.stringify(records)).not.toContain(owner.email);
  });

  it("an undo token is refused after 7 days, and a made-up one like a used one", async () => {
    const owner = await enrolledUser(gw);
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: uniqueEmail(), code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    const token = mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken!;
    expect(errorOf(await gw.run(UndoEmailChangeDocument, { token: "A".repeat(43) })).extensions).toMatchObject({ code: "CODE_EXPIRED", reason: "UNDO_INVALID" });
    clock.advanceSeconds(7 * 24 * 3600 + 1);
    try {
      expect(errorOf(await gw.run(UndoEmailChangeDocument, { token })).extensions).toMatchObject({ code: "CODE_EXPIRED", reason: "UNDO_INVALID" });
    } finally {
      clock.advanceSeconds(-(7 * 24 * 3600 + 1));
    }
  });

  it("for 30 days after an email change every security notice goes to both addresses", async () => {
    const owner = await enrolledUser(gw);
    const newEmail = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    const key = new SoftAuthenticator({ origin });
    const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(owner.secret) }, { token: owner.accessToken })).beginPasskeyRegistration;
    dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: key.register(options), nickname: "New phone" }, { token: owner.accessToken }));
    await gw.notifier.settled();
    expect(mail.to(newEmail, "PASSKEY_ADDED")).toHaveLength(1);
    expect(mail.to(owner.email, "PASSKEY_ADDED")).toHaveLength(1);
  });

  it("after 30 days the old address no longer hears of the account", async () => {
    const owner = await enrolledUser(gw);
    const newEmail = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    const [recoveryCode] = dataOf(await gw.run(GenerateRecoveryCodesDocument, { code: await freshCode(owner.secret) }, { token: owner.accessToken })).generateRecoveryCodes;
    const thirtyOneDays = 31 * 24 * 3600;
    clock.advanceSeconds(thirtyOneDays);
    try {
      const session = dataOf(await gw.run(LoginDocument, { email: newEmail, password: PASSWORD })).login.challenge!.session;
      expect(dataOf(await gw.run(RespondWithRecoveryCodeDocument, { session, code: recoveryCode! })).respondWithRecoveryCode.challenge?.name).toBe("MFA_SETUP");
      await gw.notifier.settled();
      expect(mail.to(newEmail, "RECOVERY_CODE_USED")).toHaveLength(1);
      expect(mail.to(owner.email, "RECOVERY_CODE_USED")).toEqual([]);
    } finally {
      clock.advanceSeconds(-thirtyOneDays);
    }
  });
});

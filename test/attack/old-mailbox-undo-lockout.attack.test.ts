import { ChangePasswordDocument, ConfirmEmailChangeDocument, ConfirmForgotPasswordDocument, ForgotPasswordDocument, LoginDocument, RequestEmailChangeDocument, RespondToMfaDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * ATTACK (black box, 2026-12-07, after c070dc7): the holder of an OLD mailbox locks the owner out.
 *
 * Severity: medium (availability of a patient's account; no takeover without the owner's authenticator).
 *
 * The owner moves their own email (their session, their code) away from an address they no longer control (a
 * former employer's, a shared family inbox). That old address receives the undo token, good for 7 days. Within
 * them the owner rotates their password (or sets up a new phone) as they normally would. Whoever reads the old
 * mailbox now spends the token.
 *
 * Before 45a8332 the undo restored the address and ended the sessions: the owner still signed in with their
 * password and authenticator and moved the address again. Now the undo also takes "what was set since the
 * change": the password the OWNER chose is replaced by one nobody knows, and the only way to a new one is a reset
 * code, which goes to the restored address, the old mailbox's holder. The owner is locked out of their account
 * (until an administrator steps in); the holder can choose the password (still short of the authenticator).
 *
 * Steps: owner requestEmailChange(new, code) + confirm; owner changePassword(code); old mailbox undoEmailChange.
 * Expected: the password the owner chose still opens the first step of the login (MFA challenge); the old
 *   mailbox's undo gives the address back and ends sessions, as before.
 * Observed: login with the owner's password answers INVALID_CREDENTIALS; forgotPassword only reaches the old mailbox.
 *
 * The second `it` checks the thief case the take-back was made for (held or not): after the undo randomized a
 * password the thief set, the owner gets back in with forgotPassword + their own authenticator.
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail });
});
afterAll(() => gw.close());

const OWNERS_NEW_PASSWORD = "Owners-Rotated-Passw0rd-77";

describe("ATTACK: the undo token of a legitimate email change, spent by the old mailbox", () => {
  it("does not take away the password the owner chose after the change", async () => {
    const owner = await enrolledUser(gw);
    const ownersNewAddress = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: ownersNewAddress, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    dataOf(await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: OWNERS_NEW_PASSWORD, code: await freshCode(owner.secret) }, { token: owner.accessToken }));

    // Whoever reads the old mailbox.
    const oldMailboxToken = mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken!;
    expect(dataOf(await gw.run(UndoEmailChangeDocument, { token: oldMailboxToken })).undoEmailChange).toBe(true);

    const login = await gw.run(LoginDocument, { email: owner.email, password: OWNERS_NEW_PASSWORD });
    const observed = {
      ownersPasswordAnswer: login.errors?.[0]?.extensions?.["code"] ?? "challenge",
    };
    expect(observed).toEqual({ ownersPasswordAnswer: "challenge" });
  });

  it("after an undo that took back a thief's password, the owner gets in with a reset and their authenticator", async () => {
    const owner = await enrolledUser(gw);
    const thiefs = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: thiefs, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    dataOf(await gw.run(ForgotPasswordDocument, { email: thiefs }));
    dataOf(await gw.run(ConfirmForgotPasswordDocument, { email: thiefs, code: TEST_CODE, newPassword: "Thiefs-Chosen-Passw0rd-42" }));
    dataOf(await gw.run(UndoEmailChangeDocument, { token: mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken! }));

    dataOf(await gw.run(ForgotPasswordDocument, { email: owner.email }));
    dataOf(await gw.run(ConfirmForgotPasswordDocument, { email: owner.email, code: TEST_CODE, newPassword: OWNERS_NEW_PASSWORD }));
    const login = dataOf(await gw.run(LoginDocument, { email: owner.email, password: OWNERS_NEW_PASSWORD })).login;
    const done = dataOf(await gw.run(RespondToMfaDocument, { session: login.challenge!.session, code: await freshCode(owner.secret) })).respondToMfa;
    expect(done.tokens?.accessToken).toEqual(expect.any(String));
  });
});

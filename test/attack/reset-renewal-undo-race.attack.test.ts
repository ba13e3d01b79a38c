import { CognitoAdmin } from "../../src/auth/cognito/cognito-admin";
import { ConfirmEmailChangeDocument, ConfirmForgotPasswordDocument, ForgotPasswordDocument, LoginDocument, RequestEmailChangeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { holdCallAfterAnswer } from "../support/held-call";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * ATTACK (black box, 2026-12-07, after 7861aab/c070dc7): a thief's forgotPassword racing the owner's undo
 * un-voids the reset code the undo voided.
 *
 * Severity: medium (the reset-code-across-undo finding again, through a race the thief can keep trying: the
 * thief's password on the owner's account after the owner's undo; the authenticator still stands in the way of a
 * sign-in, the owner is locked out of their password and every session ends).
 *
 * forgotPassword(email) asks the provider for a code (it goes to the address the account has NOW), then looks up
 * the account by that email (findSub) and, found, deletes the undo's "reset codes void" mark: a new code
 * supersedes the voided one. The undo sets the address back, then sets that mark. When the thief's
 * forgotPassword(thief's address) has sent its code and found the account before the undo's setEmail, and
 * deletes the mark after the undo's voidResetCodes, the code in the thief's inbox is valid again and chooses the
 * owner's password. The thief only has to keep asking for codes (the window is one provider lookup wide each
 * time) while waiting for the owner's undo, which the notice tells them is coming.
 *
 * The race is made deterministic by holding the gateway's provider lookup (CognitoAdmin.findSub, for the thief's
 * address only) until the undo has answered; everything else is real HTTP, Redis and cognito-local.
 *
 * Steps: thief moves the email (stolen token + phished code), confirms; thief forgotPassword(thief's address),
 *   its lookup found the account; owner undoEmailChange (answers true); the lookup returns; the thief
 *   confirmForgotPassword(owner's address, the code from their inbox, their password).
 * Expected: CODE_MISMATCH, the thief's password opens nothing, the owner's reset is the only way to a password.
 * Observed: the reset succeeds and the thief's password passes the login's first step.
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail });
});
afterAll(() => {
  jest.restoreAllMocks();
  return gw.close();
});

const THIEFS_PASSWORD = "Thiefs-Chosen-Passw0rd-42";

const holdLookupOf = (email: string) => holdCallAfterAnswer(CognitoAdmin.prototype, "findSub", email);

describe("ATTACK: a forgotPassword at the thief's address racing the owner's undo", () => {
  it("the code the thief's inbox got before the undo does not choose the owner's password", async () => {
    const owner = await enrolledUser(gw);
    const thiefs = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: thiefs, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));

    const hold = holdLookupOf(thiefs);
    const forgot = gw.run(ForgotPasswordDocument, { email: thiefs }); // the code goes to the thief's inbox
    await hold.wasReached;
    const undo = await gw.run(UndoEmailChangeDocument, { token: mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken! });
    hold.release();
    dataOf(await forgot);
    expect(dataOf(undo).undoEmailChange).toBe(true);

    const reset = await gw.run(ConfirmForgotPasswordDocument, { email: owner.email, code: TEST_CODE, newPassword: THIEFS_PASSWORD });
    const observed = {
      resetAnswer: reset.errors?.[0]?.extensions?.["code"] ?? "true",
      thiefsPasswordOpens: (await gw.run(LoginDocument, { email: owner.email, password: THIEFS_PASSWORD })).errors === undefined,
      ownersPasswordOpens: (await gw.run(LoginDocument, { email: owner.email, password: PASSWORD })).errors === undefined,
    };
    expect(observed).toEqual({ resetAnswer: "CODE_MISMATCH", thiefsPasswordOpens: false, ownersPasswordOpens: true });
  });
});

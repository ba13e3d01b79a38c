import { ConfirmEmailChangeDocument, ConfirmForgotPasswordDocument, ForgotPasswordDocument, MeDocument, RequestEmailChangeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { providerEmailOf } from "../support/takeover";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, loginWithMfa, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * ATTACK: the thief's pending (unconfirmed) email change outlives the owner's undo at the provider, and is confirmed
 * later without a fresh factor, without a notice and without an undo token.
 *
 * Severity: high on this pool (cognito-local with the shipped AttributesRequireVerificationBeforeUpdate behaviour:
 * the update waits for its code); to be confirmed against real Cognito (does AdminUpdateUserAttributes with
 * email + email_verified clear a pending update?). Fourth black box, 2026-12-07, against "undo retires later changes".
 *
 * The thief (stolen session + phished codes) moves the email A → B and confirms it, then asks for B → C with another
 * phished code and does NOT confirm it: the provider keeps C pending, its verification code in C's inbox (the thief's).
 * The owner's undo (A's token) retires the gateway's record of the B → C change (its undo token is void), ends every
 * session, sets the address back to A, replaces a reset password: all good. But nothing asks the provider to drop the
 * pending update. The next session the account has (the thief's next stolen handle from the same malware, a hosted
 * sign-in; here simply a fresh login of the owner) calls confirmEmailChange with C's code: the account's address is
 * C. confirmEmailChange needs no fresh factor, the change it confirms has no record any more, so A hears nothing (no
 * EMAIL_CHANGED, no undo token), and the undo forgot A as a "previous address", so the reset that follows through C
 * (PASSWORD_CHANGED) is not told to A either. The owner's undo bought nothing: the recovery channel is the thief's
 * again, silently. The same leftover is made by a request that is past its session check when the undo runs
 * (EmailChange.request checks `isLive` before its UpdateUserAttributes call).
 *
 * Should: after the undo no pending change of the account can be confirmed (the undo clears the provider's pending
 * update, or confirmEmailChange refuses a code for an address that has no live change record of the account:
 * CODE_MISMATCH), and the provider's address stays A.
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail, answerFloorMs: 0 });
});
afterAll(() => gw.close());

describe("ATTACK: a pending email change, left unconfirmed across the owner's undo", () => {
  it("cannot be confirmed after the undo", async () => {
    const owner = await enrolledUser(gw);
    const sub = dataOf(await gw.run(MeDocument, {}, { token: owner.accessToken })).me.sub;
    // The thief: A → B, confirmed; then B → C, left pending (its code waits in C's inbox).
    const thiefsB = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: thiefsB, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    const thiefsC = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: thiefsC, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    expect(await providerEmailOf(sub)).toBe(thiefsB);

    // The owner's undo with A's token.
    expect(dataOf(await gw.run(UndoEmailChangeDocument, { token: mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken! })).undoEmailChange).toBe(true);
    expect(await providerEmailOf(sub)).toBe(owner.email);
    const noticesToA = mail.to(owner.email).length;

    // The account's next session (here the owner's own fresh login; the thief's next stolen handle does the same).
    const next = (await loginWithMfa(gw, owner)).tokens!;
    const confirm = await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: next.accessToken }); // C's code
    // Then the reset through C.
    dataOf(await gw.run(ForgotPasswordDocument, { email: thiefsC }));
    const reset = await gw.run(ConfirmForgotPasswordDocument, { email: thiefsC, code: TEST_CODE, newPassword: "Thiefs-Chosen-Passw0rd-91" });
    await mail.settled();

    const observed = {
      confirmAfterUndo: confirm.errors?.[0]?.extensions?.["code"] ?? "true",
      providerEmail: (await providerEmailOf(sub)) === thiefsC ? "the thief's C" : "the owner's A",
      resetThroughC: reset.errors?.[0]?.extensions?.["code"] ?? "true",
      noticesToAAfterUndo: mail.to(owner.email).slice(noticesToA).map((n) => n.type),
    };
    console.log(observed);
    expect({ confirmAfterUndo: observed.confirmAfterUndo, providerEmail: observed.providerEmail }).toEqual({ confirmAfterUndo: "CODE_MISMATCH", providerEmail: "the owner's A" });
  });
});

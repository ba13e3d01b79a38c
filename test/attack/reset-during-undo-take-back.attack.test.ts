import { CognitoIdentityProvider } from "../../src/auth/cognito/cognito-identity-provider";
import { ConfirmEmailChangeDocument, ConfirmForgotPasswordDocument, ForgotPasswordDocument, LoginDocument, RequestEmailChangeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { holdCallAfterAnswer } from "../support/held-call";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * ATTACK (black box, 2026-12-07, after 45a8332/c070dc7): a password reset the thief completes while the owner's
 * undo runs survives the undo's take-back.
 *
 * Severity: low (a narrow race the thief cannot see coming; the thief keeps a password of the owner's account after the undo; the owner's
 * authenticator still stands between it and a sign-in; the owner's own password is gone either way).
 *
 * The take-back replaces the password when one was "set since the change", which it reads from the rotation
 * record. confirmForgotPassword writes that record only AFTER the provider has set the password. A reset the
 * thief sends at their (moved-to) address whose provider call lands before the undo moves the address back, and
 * whose record lands after the undo's take-back read it, leaves the thief's password in place: the undo finds
 * nothing set since the change. The window is the undo's setEmail to its take-back (a provider call and a
 * handful of store reads); the thief can keep resetting while waiting for the owner's undo.
 *
 * The race is made deterministic by holding the gateway's provider call (confirmForgotPassword, after it has
 * answered) until the undo has answered; everything else is real HTTP, Redis and cognito-local.
 *
 * Steps: thief moves the email (stolen token + phished code), confirms, asks for a reset code at their address;
 *   thief confirmForgotPassword(their address, code, their password), the provider sets it; the owner's undo
 *   runs to completion; the reset's records follow.
 * Expected: the thief's password opens nothing after the undo (the take-back saw a password set since the change).
 * Observed: the thief's password passes the login's first step (MFA challenge).
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

const holdResetOf = (email: string) => holdCallAfterAnswer(CognitoIdentityProvider.prototype, "confirmForgotPassword", email);

describe("ATTACK: a thief's password reset landing while the owner's undo runs", () => {
  it("does not outlive the undo", async () => {
    const owner = await enrolledUser(gw);
    const thiefs = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: thiefs, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    dataOf(await gw.run(ForgotPasswordDocument, { email: thiefs }));

    const hold = holdResetOf(thiefs);
    const reset = gw.run(ConfirmForgotPasswordDocument, { email: thiefs, code: TEST_CODE, newPassword: THIEFS_PASSWORD });
    await hold.wasReached;
    const undo = await gw.run(UndoEmailChangeDocument, { token: mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken! });
    hold.release();
    await reset;
    expect(dataOf(undo).undoEmailChange).toBe(true);

    const login = await gw.run(LoginDocument, { email: owner.email, password: THIEFS_PASSWORD });
    expect({ thiefsPasswordAnswer: login.errors?.[0]?.extensions?.["code"] ?? "challenge" }).toEqual({ thiefsPasswordAnswer: "INVALID_CREDENTIALS" });
  });
});

import { CognitoAdmin } from "../../src/auth/cognito/cognito-admin";
import { CognitoIdentityProvider } from "../../src/auth/cognito/cognito-identity-provider";
import { ConfirmEmailChangeDocument, ConfirmForgotPasswordDocument, ForgotPasswordDocument, LoginDocument, RequestEmailChangeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { holdCallAfterAnswer } from "../support/held-call";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD, uniqueEmail, type EnrolledUser } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * ATTACK (black box, 2026-12-07, after c070dc7): a thief's password-reset requests racing the owner's undo of an
 * email change. Each race is made deterministic by holding one provider call of the gateway open after it has
 * answered (test/support/held-call.ts) until the undo has answered; everything else is real HTTP, Redis and
 * cognito-local. In both, the thief moved the email first (stolen token + phished code) and confirmed it.
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail });
});
afterEach(() => {
  jest.restoreAllMocks();
});
afterAll(() => gw.close());

const THIEFS_PASSWORD = "Thiefs-Chosen-Passw0rd-42";

/** The thief's address now on the owner's account; returns it and the owner's undo token (sent to the old address). */
const thiefMovedTheEmail = async (owner: EnrolledUser) => {
  const thiefs = uniqueEmail();
  dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: thiefs, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
  dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
  return { thiefs, undoToken: mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken! };
};

/**
 * Severity: medium. forgotPassword(email) asks the provider for a code (it goes to the address the account has
 * NOW), then looks the account up by that email (findSub) and records when the code was asked for. The undo sets
 * the address back, then voids the codes asked for before it. A lookup that found the account at the thief's
 * address before the undo's setEmail, and wrote after the undo, lifted the void (it used to delete a flag): the
 * code in the thief's inbox chose the owner's password. Held open: CognitoAdmin.findSub, for the thief's address.
 * Expected: CODE_MISMATCH, the thief's password opens nothing, the owner's still does.
 */
describe("ATTACK: a forgotPassword at the thief's address racing the owner's undo", () => {
  it("the code the thief's inbox got before the undo does not choose the owner's password", async () => {
    const owner = await enrolledUser(gw);
    const { thiefs, undoToken } = await thiefMovedTheEmail(owner);

    const hold = holdCallAfterAnswer(CognitoAdmin.prototype, "findSub", thiefs);
    const forgot = gw.run(ForgotPasswordDocument, { email: thiefs }); // the code goes to the thief's inbox
    await hold.wasReached;
    const undo = await gw.run(UndoEmailChangeDocument, { token: undoToken });
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

/**
 * Severity: low. The undo's take-back replaces a password reset since the change. A reset whose provider call
 * lands before the undo moves the address back, and whose own records land after the take-back looked, left the
 * thief's password in place (the reset was recorded only after the provider set it; it is now marked before).
 * Held open: CognitoIdentityProvider.confirmForgotPassword, for the thief's address.
 * Expected: the thief's password opens nothing after the undo.
 */
describe("ATTACK: a thief's password reset landing while the owner's undo runs", () => {
  it("does not outlive the undo", async () => {
    const owner = await enrolledUser(gw);
    const { thiefs, undoToken } = await thiefMovedTheEmail(owner);
    dataOf(await gw.run(ForgotPasswordDocument, { email: thiefs }));

    const hold = holdCallAfterAnswer(CognitoIdentityProvider.prototype, "confirmForgotPassword", thiefs);
    const reset = gw.run(ConfirmForgotPasswordDocument, { email: thiefs, code: TEST_CODE, newPassword: THIEFS_PASSWORD });
    await hold.wasReached;
    const undo = await gw.run(UndoEmailChangeDocument, { token: undoToken });
    hold.release();
    await reset;
    expect(dataOf(undo).undoEmailChange).toBe(true);

    const login = await gw.run(LoginDocument, { email: owner.email, password: THIEFS_PASSWORD });
    expect({ thiefsPasswordAnswer: login.errors?.[0]?.extensions?.["code"] ?? "challenge" }).toEqual({ thiefsPasswordAnswer: "INVALID_CREDENTIALS" });
  });
});

/**
 * Severity: high (the read-only review of the third round's fixes). Since a request to a taken address records a
 * real undo, a thief with a stolen session and a way to prove a fresh factor asks to move the email again; the
 * request is past its session check and looking the address up (findSub) when the owner's undo runs and retires
 * the account's later changes. Its record, written after that, survived the undo: the token in the thief's inbox
 * took the account back to the thief's address. Held open: CognitoAdmin.findSub, for the address asked for.
 * Expected: the request answers UNAUTHENTICATED (its session ended meanwhile) and its token undoes nothing.
 */
describe("ATTACK: a thief's email-change request in flight across the owner's undo", () => {
  it("leaves no token that outlives the undo", async () => {
    const owner = await enrolledUser(gw);
    const { thiefs, undoToken } = await thiefMovedTheEmail(owner);
    const taken = (await enrolledUser(gw)).email;

    const hold = holdCallAfterAnswer(CognitoAdmin.prototype, "findSub", taken);
    const request = gw.run(RequestEmailChangeDocument, { newEmail: taken, code: await freshCode(owner.secret) }, { token: owner.accessToken });
    await hold.wasReached;
    expect(dataOf(await gw.run(UndoEmailChangeDocument, { token: undoToken })).undoEmailChange).toBe(true);
    hold.release();
    const answer = await request;
    expect(answer.errors?.[0]?.extensions?.["code"]).toBe("UNAUTHENTICATED");

    // Whatever token reached the thief's inbox from that request undoes nothing now.
    for (const notice of mail.to(thiefs, "EMAIL_CHANGED")) {
      const spent = await gw.run(UndoEmailChangeDocument, { token: notice.undoToken! });
      expect(spent.errors?.[0]?.extensions?.["reason"]).toBe("UNDO_INVALID");
    }
    expect((await gw.run(LoginDocument, { email: owner.email, password: PASSWORD })).errors).toBeUndefined();
  });
});

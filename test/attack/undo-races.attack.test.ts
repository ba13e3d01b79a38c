import { CognitoAdmin } from "../../src/auth/cognito/cognito-admin";
import { CognitoIdentityProvider } from "../../src/auth/cognito/cognito-identity-provider";
import { EnrolledTotp } from "../../src/auth/factors/enrolled-totp";
import {
  BeginPasskeyLoginDocument,
  BeginPasskeyRegistrationDocument,
  BeginPasskeyStepUpDocument,
  CompletePasskeyLoginDocument,
  CompletePasskeyRegistrationDocument,
  ConfirmEmailChangeDocument,
  ConfirmForgotPasswordDocument,
  ForgotPasswordDocument,
  LoginDocument,
  MeDocument,
  RequestEmailChangeDocument,
  UndoEmailChangeDocument,
} from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { holdCallAfterAnswer } from "../support/held-call";
import { NoticeCapture } from "../support/notice-capture";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { providerEmailOf, thiefMovesEmailAndAddsPasskey } from "../support/takeover";
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

/**
 * Severity: medium-high (the review of the sixth round). The undo ends every session, then takes back every
 * passkey, then ends every session again. A thief holding a passkey signs in with it alone right after the first
 * sign-out (the passkey is still there), and registers a second passkey that lands after the take-back listed them:
 * the second sign-out ends that session, but the new passkey stayed and signed in after the undo. Held open:
 * CognitoAdmin.setEmail (the thief's sign-in and registration begin there) and EnrolledTotp.enrolledSince (inside
 * the take-back, after the passkeys were listed and removed: the registration completes there).
 * Expected: the registration is refused, and no passkey of the thief's signs in after the undo.
 */
describe("ATTACK: a passkey registered by a session opened while the owner's undo runs", () => {
  it("does not outlive the undo", async () => {
    const owner = await enrolledUser(gw);
    const { thiefsKey, undoToken } = await thiefMovesEmailAndAddsPasskey(gw, owner, mail);
    const sub = dataOf(await gw.run(MeDocument, {}, { token: owner.accessToken })).me.sub;
    const atSetEmail = holdCallAfterAnswer(CognitoAdmin.prototype, "setEmail", sub);
    const inTakeBack = holdCallAfterAnswer(EnrolledTotp.prototype, "enrolledSince", sub);
    const undo = gw.run(UndoEmailChangeDocument, { token: undoToken });
    await atSetEmail.wasReached;
    // After the undo's first sign-out: a sign-in with the passkey alone, and a second passkey's registration begun.
    const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
    const session = dataOf(await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: thiefsKey.assert(begun.options) })).completePasskeyLogin.tokens!.accessToken;
    const stepUp = dataOf(await gw.run(BeginPasskeyStepUpDocument, {}, { token: session })).beginPasskeyStepUp;
    const creation = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { passkey: thiefsKey.assert(stepUp) }, { token: session })).beginPasskeyRegistration;
    atSetEmail.release();
    await inTakeBack.wasReached;
    // The take-back has listed and removed the passkeys: the registration completes now.
    const second = new SoftAuthenticator({ origin: "http://localhost:4000" });
    const registered = await gw.run(CompletePasskeyRegistrationDocument, { response: second.register(creation), nickname: "Spare" }, { token: session });
    inTakeBack.release();
    expect(dataOf(await undo).undoEmailChange).toBe(true);
    expect(registered.errors?.[0]?.extensions?.["code"]).toBe("UNAUTHENTICATED");

    const again = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
    const signIn = await gw.run(CompletePasskeyLoginDocument, { session: again.session, response: second.assert(again.options) });
    expect(signIn.data?.completePasskeyLogin?.tokens?.accessToken).toBeUndefined();
  });
});

/**
 * Severity: medium (the review of the sixth round). A thief's confirmEmailChange for a pending address passes the
 * "newest open change" check just before the owner's undo starts; its provider call (verifyEmail) is slow and lands
 * after the undo's setEmail: the provider ends at the thief's address while the undo reports the owner's restored.
 * Held: CognitoIdentityProvider.verifyEmail, BEFORE it reaches the provider, until the undo has had 1.5 s.
 * Expected: the provider's address is the owner's after both answered.
 */
describe("ATTACK: a thief's confirm in flight across the owner's undo", () => {
  it("does not leave the provider at the thief's address", async () => {
    const owner = await enrolledUser(gw);
    const { undoToken } = await thiefMovedTheEmail(owner);
    const sub = dataOf(await gw.run(MeDocument, {}, { token: owner.accessToken })).me.sub;
    // A second move, B → C, left pending; the thief confirms it while the owner undoes the first.
    const thiefsC = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: thiefsC, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    const original = Object.getOwnPropertyDescriptor(CognitoIdentityProvider.prototype, "verifyEmail")!.value as (this: CognitoIdentityProvider, ...args: unknown[]) => Promise<void>;
    let reached!: () => void;
    const wasReached = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    jest.spyOn(CognitoIdentityProvider.prototype, "verifyEmail").mockImplementation(async function (this: CognitoIdentityProvider, ...args: unknown[]) {
      reached();
      await released;
      return original.apply(this, args);
    });
    const confirm = gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken });
    await wasReached;
    const undo = gw.run(UndoEmailChangeDocument, { token: undoToken });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    release();
    await confirm;
    await undo;
    expect((await providerEmailOf(sub))?.toLowerCase()).toBe(owner.email.toLowerCase());
  });
});

import { ConfirmEmailChangeDocument, ConfirmForgotPasswordDocument, ForgotPasswordDocument, RequestEmailChangeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * ATTACK: the old mailbox's silent undo (old-mailbox-silent-undo) is back as soon as the owner has not signed in
 * for a while. EMAIL_CHANGE_UNDONE goes to "the address taken back from", and the undo reads that address from
 * the gateway's login cache (`account:<sub>`, kept only sessionMaxAgeSeconds after the last login / confirm). The
 * undo token lives 7 days: for all but the first hours of them the cache is gone, `takenBackFrom` is undefined
 * and nobody is told.
 *
 * Severity: medium (attack3, fifth black box, 2026-12-07; availability of the account and its recovery channel,
 * and the owner is never told: the threat the EMAIL_CHANGE_UNDONE fix, 69a7022, was for).
 *
 * Attack: the owner moves X → A properly and stops using the app for a day (or just longer than the gateway's
 * session lifetime; here 1 h in the test settings, 12 h shipped). Whoever reads X (a former employer's inbox, a
 * shared family mailbox) spends X's undo token: the address is X again, every session ends; then a reset code to X
 * chooses the password. The owner at A hears nothing: no EMAIL_CHANGE_UNDONE (the cache was empty), and A is not
 * among the addresses that hear of the reset (the undo forgot the changes it went past).
 *
 * Made deterministic with the gateway's injected clock (the in-memory store's expiry follows it).
 *
 * Should: A receives EMAIL_CHANGE_UNDONE whenever an undo takes the account from A, whether or not a session was
 * opened recently (read the address from the provider, or from the undo record's newEmail / the change records).
 */
const mail = new NoticeCapture();
let later = 0;
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail, answerFloorMs: 0, clock: { now: () => Date.now() + later } });
});
afterAll(() => gw.close());

describe("ATTACK: the old mailbox's undo, once the gateway's login cache of the account has expired", () => {
  it("the owner's current address A still hears EMAIL_CHANGE_UNDONE", async () => {
    const owner = await enrolledUser(gw);
    const ownersA = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: ownersA, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    const oldMailboxToken = mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken!;

    // The owner does not sign in for two hours (the test gateway's sessions last one; the shipped ones twelve).
    later = 2 * 3600 * 1000;

    // Whoever reads the old mailbox X: the undo token (still valid: 7 days), then a reset through X.
    expect(dataOf(await gw.run(UndoEmailChangeDocument, { token: oldMailboxToken })).undoEmailChange).toBe(true);
    dataOf(await gw.run(ForgotPasswordDocument, { email: owner.email }));
    dataOf(await gw.run(ConfirmForgotPasswordDocument, { email: owner.email, code: TEST_CODE, newPassword: "Old-Mailbox-Chosen-Passw0rd-7" }));
    await mail.settled();

    const heardAtA = mail.to(ownersA).filter((n) => n.type !== "EMAIL_CHANGED").map((n) => n.type);
    console.log({ heardAtA, heardAtX: mail.to(owner.email).map((n) => n.type) });
    expect(heardAtA).toContain("EMAIL_CHANGE_UNDONE");
  });
});

import { ConfirmEmailChangeDocument, ConfirmForgotPasswordDocument, ForgotPasswordDocument, LoginDocument, RequestEmailChangeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * ATTACK: the holder of an old mailbox takes the account's address back and resets the password; the owner's
 * current address hears nothing at all.
 *
 * Severity: medium (fourth black box, 2026-12-07; availability of the account and its recovery channel, and the
 * owner is never told why). The owner moves their email from A (an address they no longer control: a former
 * employer's, a shared family inbox) to B, properly (their session, their code). A keeps the undo token for 7 days.
 * Whoever reads A spends it: the account's address is A again (verified), every session of the owner ends. Then A's
 * holder asks for a reset code (it goes to A) and chooses the password: the owner's password stops working, and the
 * only way to a new one is A's inbox. Every security notice of that goes to A only: the undo sends none (to nobody),
 * and the newest fix ("an undo forgets the undone change's and later addresses") made sure B is not among the
 * addresses that hear for 30 days either, so the PASSWORD_CHANGED of the reset reaches A, whose holder made it. The
 * owner, whose address B was the account's a minute earlier, is signed out and locked out without one message.
 * (The email-undo-order fix silenced the undone addresses against a thief at B; for the old-mailbox holder, the
 * other threat the undo has, it silences the owner.)
 *
 * Should: the address an undo takes the account away from is told of the undo once (no token in it), and a
 * password set through the restored address within the next 30 days is told to it as well; or, at the least, B hears
 * that its address was removed.
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail, answerFloorMs: 0 });
});
afterAll(() => gw.close());

describe("ATTACK: the old mailbox's undo and reset, against the owner's current address", () => {
  it("the owner's address B hears of it", async () => {
    const owner = await enrolledUser(gw);
    const ownersNewAddress = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: ownersNewAddress, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));

    // Whoever reads the old mailbox A: the undo token, then a reset code sent to the restored address.
    const oldMailboxToken = mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken!;
    expect(dataOf(await gw.run(UndoEmailChangeDocument, { token: oldMailboxToken })).undoEmailChange).toBe(true);
    dataOf(await gw.run(ForgotPasswordDocument, { email: owner.email }));
    dataOf(await gw.run(ConfirmForgotPasswordDocument, { email: owner.email, code: TEST_CODE, newPassword: "Old-Mailbox-Chosen-Passw0rd-5" }));

    // The owner is out: their password no longer opens the login, and their address is no longer the account's.
    expect((await gw.run(LoginDocument, { email: owner.email, password: PASSWORD })).errors?.[0]?.extensions?.["code"]).toBe("INVALID_CREDENTIALS");
    expect((await gw.run(LoginDocument, { email: ownersNewAddress, password: PASSWORD })).errors?.[0]?.extensions?.["code"]).toBe("INVALID_CREDENTIALS");

    await mail.settled();
    const heardAtB = mail.notices.filter((n) => n.email.toLowerCase() === ownersNewAddress.toLowerCase() && n.type !== "EMAIL_CHANGED");
    const heardAtA = mail.to(owner.email, "PASSWORD_CHANGED");
    console.log({ heardAtA: heardAtA.map((n) => n.type), heardAtB: heardAtB.map((n) => n.type) });
    expect(heardAtB.length).toBeGreaterThan(0);
  });
});

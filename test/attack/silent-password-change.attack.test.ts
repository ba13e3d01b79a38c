import { ChangePasswordDocument, ConfirmEmailChangeDocument, ConfirmForgotPasswordDocument, ForgotPasswordDocument, RequestEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * ATTACK: the password changes and the owner hears nothing.
 *
 * Severity: medium (found by the third black-box session, "seen but not written"). With a stolen access token and one
 * phished code the thief moves the email A → B, then resets the password through B. The owner's A hears of the email
 * change (with its undo token) and, for 30 days, of every passkey and recovery code — but not that the password was
 * reset, the step that locks the owner out. A password changed with a stolen session (the current password and a
 * phished code) was silent too.
 *
 * Should: every password change and reset sends PASSWORD_CHANGED to the account's address, and for 30 days after an
 * email change to the earlier addresses too.
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail, answerFloorMs: 0 });
});
afterAll(() => gw.close());

describe("ATTACK: a password set without the owner hearing of it", () => {
  it("a reset through the moved-to inbox is told to the owner's earlier address", async () => {
    const owner = await enrolledUser(gw);
    const thiefs = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: thiefs, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    dataOf(await gw.run(ForgotPasswordDocument, { email: thiefs }));
    dataOf(await gw.run(ConfirmForgotPasswordDocument, { email: thiefs, code: TEST_CODE, newPassword: "Thiefs-Chosen-Passw0rd-42" }));
    await mail.settled();
    expect(mail.to(owner.email, "PASSWORD_CHANGED")).toHaveLength(1);
    expect(mail.to(thiefs, "PASSWORD_CHANGED")).toHaveLength(1);
  });

  it("a change with a stolen session is told to the account's address", async () => {
    const owner = await enrolledUser(gw);
    dataOf(await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: "Thiefs-Chosen-Passw0rd-43", code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    await mail.settled();
    expect(mail.to(owner.email, "PASSWORD_CHANGED")).toHaveLength(1);
  });

  it("a refused reset (a wrong code) tells nobody", async () => {
    const owner = await enrolledUser(gw);
    const wrong = await gw.run(ConfirmForgotPasswordDocument, { email: owner.email, code: "999999", newPassword: "Thiefs-Chosen-Passw0rd-44" });
    expect(wrong.errors?.[0]?.extensions?.["code"]).toBe("CODE_MISMATCH");
    await mail.settled();
    expect(mail.to(owner.email, "PASSWORD_CHANGED")).toHaveLength(0);
  });
});

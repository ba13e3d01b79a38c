import { ConfirmEmailChangeDocument, ConfirmForgotPasswordDocument, ForgotPasswordDocument, LoginDocument, RequestEmailChangeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * The undo of an email change gives the owner back the recovery channel and ends every session. A thief who
 * moved the address (stolen token plus one phished code, played here with the owner's codes) asks for a
 * password reset at the new address before the owner undoes. The reset code belongs to the account, not to
 * the address: after the undo, does the code the thief's inbox received still choose the owner's password?
 * (The pool's codes are fixed in the test run, so the thief's code is TEST_CODE; the owner asked for none.)
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail });
});
afterAll(() => gw.close());

const THIEFS_PASSWORD = "Thiefs-Chosen-Passw0rd-42";

describe("ATTACK: a password-reset code asked for at the thief's address, spent after the owner's undo", () => {
  it("control: without a reset asked for, the fixed code sets nothing", async () => {
    const bystander = await enrolledUser(gw);
    const answer = await gw.run(ConfirmForgotPasswordDocument, { email: bystander.email, code: TEST_CODE, newPassword: THIEFS_PASSWORD });
    expect(answer.errors?.[0]?.extensions?.["code"]).toBe("CODE_MISMATCH");
  });

  it("does not set the owner's password", async () => {
    const owner = await enrolledUser(gw);
    const thiefs = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: thiefs, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    dataOf(await gw.run(ForgotPasswordDocument, { email: thiefs })); // the code goes to the thief's inbox

    const undoToken = mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken!;
    expect(dataOf(await gw.run(UndoEmailChangeDocument, { token: undoToken })).undoEmailChange).toBe(true);

    // The thief spends the code against the owner's (restored) address, and against their own.
    const spent = [
      await gw.run(ConfirmForgotPasswordDocument, { email: owner.email, code: TEST_CODE, newPassword: THIEFS_PASSWORD }),
      await gw.run(ConfirmForgotPasswordDocument, { email: thiefs, code: TEST_CODE, newPassword: THIEFS_PASSWORD }),
    ];
    const observed = {
      answers: spent.map((s) => s.errors?.[0]?.extensions?.["code"] ?? "true"),
      thiefsPasswordOpens: (await gw.run(LoginDocument, { email: owner.email, password: THIEFS_PASSWORD })).errors === undefined,
      ownersPasswordOpens: (await gw.run(LoginDocument, { email: owner.email, password: PASSWORD })).errors === undefined,
    };
    expect(observed).toEqual({ answers: ["CODE_MISMATCH", "CODE_MISMATCH"], thiefsPasswordOpens: false, ownersPasswordOpens: true });
  });
});

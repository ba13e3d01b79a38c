import { ConfirmEmailChangeDocument, ConfirmForgotPasswordDocument, LoginDocument, RequestEmailChangeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf, errorOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * ATTACK: one WRONG reset code, sent by anyone, brings back the old-mailbox lockout (old-mailbox-undo-lockout).
 *
 * Severity: medium (availability of a patient's account: the owner is locked out until an administrator steps in;
 * the old mailbox's holder chooses the password, still short of the authenticator).
 *
 * The fix of old-mailbox-undo-lockout: an undo replaces the password only if a *reset* set it since the change.
 * But confirmForgotPassword writes that mark (`PasswordRotation.markReset`, `password-set:reset-ms:<sub>`) before
 * the provider has checked the code, and a refused code leaves it in place. So the holder of the OLD mailbox of a
 * legitimate change (a former employer's, a shared inbox) who knows the new address (or anyone: the call is
 * public) first sends confirmForgotPassword(newAddress, wrong code) — answered CODE_MISMATCH, nothing reset — and
 * then spends the undo token: the undo now believes a reset happened and replaces the password the owner has had
 * all along with one nobody knows; the only way to a new one is a reset code to the restored address, the holder's.
 *
 * Should: a reset attempt the provider refused (wrong code) leaves no "reset since" mark, or the undo's take-back
 * does not count it; the owner's unchanged password still opens the first step of the login after the undo.
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail });
});
afterAll(() => gw.close());

describe("ATTACK: a refused reset code marks the password as reset for the undo's take-back", () => {
  it("after the old mailbox's undo of a legitimate change, the owner's own (never reset) password still signs in", async () => {
    const owner = await enrolledUser(gw);
    const ownersNewAddress = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: ownersNewAddress, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));

    // Whoever reads the old mailbox: one wrong reset code for the new address (no sign-in, nothing reset) ...
    const wrong = "999999"; // not TEST_CODE (123456)
    const refused = await gw.run(ConfirmForgotPasswordDocument, { email: ownersNewAddress, code: wrong, newPassword: "Never-Applied-Passw0rd-31" });
    expect(errorOf(refused).extensions.code).toBe("CODE_MISMATCH");
    // ... then the undo token from the old mailbox.
    const oldMailboxToken = mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken!;
    expect(dataOf(await gw.run(UndoEmailChangeDocument, { token: oldMailboxToken })).undoEmailChange).toBe(true);

    const login = await gw.run(LoginDocument, { email: owner.email, password: PASSWORD });
    const ownersPasswordAnswer = login.errors?.[0]?.extensions?.["code"] ?? (login.data?.login?.challenge ? "challenge" : "tokens");
    // Without the wrong code first the answer is "challenge" (held by old-mailbox-undo-lockout's fix).
    expect(ownersPasswordAnswer).toBe("challenge");
  });

  it("control (holds): the same undo without the wrong code first leaves the owner's password", async () => {
    const owner = await enrolledUser(gw);
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: uniqueEmail(), code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    dataOf(await gw.run(UndoEmailChangeDocument, { token: mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken! }));
    const login = await gw.run(LoginDocument, { email: owner.email, password: PASSWORD });
    expect(login.data?.login?.challenge?.name).toBe("SOFTWARE_TOKEN_MFA");
  });
});

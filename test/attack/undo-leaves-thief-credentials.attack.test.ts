import { BeginMfaSetupDocument, BeginPasskeyLoginDocument, BeginPasskeyRegistrationDocument, CompleteMfaSetupDocument, CompletePasskeyLoginDocument, CompletePasskeyRegistrationDocument, ConfirmEmailChangeDocument, ConfirmForgotPasswordDocument, ForgotPasswordDocument, GenerateRecoveryCodesDocument, LoginDocument, MeDocument, RequestEmailChangeDocument, RespondWithRecoveryCodeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail });
});
afterAll(() => gw.close());

describe("ATTACK: what the owner's undo of an email change gives back", () => {
  /**
   * What the undo gives back. The chain end to end, as the thief would run it, with a SECOND phished code for
   * the recovery codes (so this holds whether or not the replay of step-up-code-across-email-change is fixed): the email moved, recovery
   * codes minted, a password set through the thief's inbox; then the owner does what the notice tells them (the
   * undo: address back, every session ended). The undo restores the address only: the password the thief
   * chose and the recovery codes the thief holds still open the account, and the recovery flow lets the thief
   * enrol their own authenticator.
   */
  it("after the owner's undo, the password and recovery codes the thief set in the meantime do not sign in", async () => {
    const owner = await enrolledUser(gw);
    const phished = await freshCode(owner.secret);
    const stolen = owner.accessToken;
    const thiefs = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: thiefs, code: phished }, { token: stolen }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: stolen }));
    const codes = dataOf(await gw.run(GenerateRecoveryCodesDocument, { code: await freshCode(owner.secret) }, { token: stolen })).generateRecoveryCodes;
    dataOf(await gw.run(ForgotPasswordDocument, { email: thiefs }));
    dataOf(await gw.run(ConfirmForgotPasswordDocument, { email: thiefs, code: TEST_CODE, newPassword: "Thiefs-Chosen-Passw0rd-42" }));

    dataOf(await gw.run(UndoEmailChangeDocument, { token: mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken! }));

    const step = await gw.run(LoginDocument, { email: owner.email, password: "Thiefs-Chosen-Passw0rd-42" });
    let signedInAs: string | undefined;
    const session = step.data?.login?.challenge?.session;
    if (session && codes[0]) {
      const recovered = await gw.run(RespondWithRecoveryCodeDocument, { session, code: codes[0] });
      const setupSession = recovered.data?.respondWithRecoveryCode?.challenge?.session;
      if (setupSession) {
        const setup = dataOf(await gw.run(BeginMfaSetupDocument, { session: setupSession })).beginMfaSetup;
        const done = await gw.run(CompleteMfaSetupDocument, { session: setup.session, code: await freshCode(setup.secret) });
        const token = done.data?.completeMfaSetup?.tokens?.accessToken;
        if (token) signedInAs = dataOf(await gw.run(MeDocument, {}, { token })).me.email;
      }
    }
    expect(signedInAs).toBeUndefined();
  });

  it("after the owner's undo, a passkey the thief enrolled in the meantime does not sign in alone", async () => {
    const owner = await enrolledUser(gw);
    const stolen = owner.accessToken;
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: uniqueEmail(), code: await freshCode(owner.secret) }, { token: stolen }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: stolen }));
    const thiefsKey = new SoftAuthenticator({ origin: "http://localhost:4000" });
    const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(owner.secret) }, { token: stolen })).beginPasskeyRegistration;
    dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: thiefsKey.register(options), nickname: "Phone" }, { token: stolen }));

    dataOf(await gw.run(UndoEmailChangeDocument, { token: mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken! }));

    const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
    const signIn = await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: thiefsKey.assert(begun.options) });
    expect(signIn.data?.completePasskeyLogin?.tokens?.accessToken).toBeUndefined();
  });
});

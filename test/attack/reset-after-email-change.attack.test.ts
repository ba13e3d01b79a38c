import { ConfirmEmailChangeDocument, ConfirmForgotPasswordDocument, ForgotPasswordDocument, LoginDocument, MeDocument, RequestEmailChangeDocument, RespondToMfaDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * A password reset ends every session of the account (the code proved control of the mailbox): it is what an
 * owner does on suspecting a stolen session. The reset finds the account behind the email it is given; after
 * the owner moved the account to a new address, is that lookup still right, so the thief's session ends?
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail });
});
afterAll(() => gw.close());

const NEW_PASSWORD = "Another-Horse-Battery-77";

describe("ATTACK: a stolen session and a password reset after an email change", () => {
  it("the reset through the new address ends the stolen session", async () => {
    const owner = await enrolledUser(gw);
    const newEmail = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    // The thief's copy of a session, signed in after the change (the owner's device, a stolen handle).
    const login = dataOf(await gw.run(LoginDocument, { email: newEmail, password: "Correct-Horse-Battery-9" })).login;
    const stolen = dataOf(await gw.run(RespondToMfaDocument, { session: login.challenge!.session, code: await freshCode(owner.secret) })).respondToMfa.tokens!.accessToken;
    expect(dataOf(await gw.run(MeDocument, {}, { token: stolen })).me.email).toBe(newEmail);

    dataOf(await gw.run(ForgotPasswordDocument, { email: newEmail }));
    dataOf(await gw.run(ConfirmForgotPasswordDocument, { email: newEmail, code: TEST_CODE, newPassword: NEW_PASSWORD }));

    const after = await gw.run(MeDocument, {}, { token: stolen });
    expect(after.errors?.[0]?.extensions?.["code"]).toMatch(/SESSION_EXPIRED|TOKEN_INVALID|UNAUTHENTICATED/);
  });

  it("the reset through the new address ends a session made before the change", async () => {
    const owner = await enrolledUser(gw);
    const stolen = owner.accessToken;
    const newEmail = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    dataOf(await gw.run(ForgotPasswordDocument, { email: newEmail }));
    dataOf(await gw.run(ConfirmForgotPasswordDocument, { email: newEmail, code: TEST_CODE, newPassword: NEW_PASSWORD }));
    const after = await gw.run(MeDocument, {}, { token: stolen });
    expect(after.errors?.[0]?.extensions?.["code"]).toMatch(/SESSION_EXPIRED|TOKEN_INVALID|UNAUTHENTICATED/);
  });
});

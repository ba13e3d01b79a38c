/**
 * Severity: medium. Promise broken (docs/account-security.md, "What the old address receives"): "For 30 days after a
 * change every security notice — PASSKEY_ADDED, RECOVERY_CODE_USED — goes to the old address as well as the new
 * one: whoever moved the account to their inbox is not the only one to hear of what happens next."
 *
 * Attack (one stolen access token, two phished TOTP codes — a real-time phishing proxy asks for "the next code"):
 * code 1 moves the email A → B (the thief's inbox); code 2 enrols the thief's passkey (A hears of that one). From
 * then on the thief's passkey is an unlimited fresh factor: a SECOND change B → C (proved with the passkey)
 * overwrites the single "previous address" record (`email-change-previous:<sub>`) with B, the thief's own inbox.
 * Everything after that — another passkey, recovery codes used — is heard only at C and B, both the thief's; the
 * owner's address A, 10 minutes after the first change, hears nothing more (nor that the address moved again: that
 * EMAIL_CHANGED goes to B only). After the 7-day undo window the notices were the owner's only signal.
 *
 * Should: every address the account had during the last 30 days (at least the address before the FIRST change of
 * that period, the owner's) keeps hearing the notices; a later change must not replace it with the thief's.
 */
import { BeginPasskeyRegistrationDocument, BeginPasskeyStepUpDocument, CompletePasskeyRegistrationDocument, ConfirmEmailChangeDocument, RequestEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail, answerFloorMs: 0 });
});
afterAll(() => gw.close());

describe("ATTACK: a second email change takes the owner's address off the 30-day notices", () => {
  it("a passkey the thief adds after moving the email a second time is still told to the owner's original address", async () => {
    const owner = await enrolledUser(gw);
    const stolen = owner.accessToken;
    const b = uniqueEmail();
    const c = uniqueEmail();

    // Phished code 1: A → B.
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: b, code: await freshCode(owner.secret) }, { token: stolen }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: stolen }));
    // Phished code 2: the thief's passkey (the owner's address hears of this one).
    const thiefsKey = new SoftAuthenticator({ origin: "http://localhost:4000" });
    const reg = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(owner.secret) }, { token: stolen })).beginPasskeyRegistration;
    dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: thiefsKey.register(reg), nickname: "Phone" }, { token: stolen }));
    expect(mail.to(owner.email, "PASSKEY_ADDED")).toHaveLength(1);

    // From here on the thief's passkey proves every change: B → C.
    const stepUp = () => gw.run(BeginPasskeyStepUpDocument, {}, { token: stolen }).then((r) => thiefsKey.assert(dataOf(r).beginPasskeyStepUp));
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: c, passkey: await stepUp() }, { token: stolen }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: stolen }));
    // A second passkey of the thief's, minutes after the first change.
    const second = new SoftAuthenticator({ origin: "http://localhost:4000" });
    const reg2 = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { passkey: await stepUp() }, { token: stolen })).beginPasskeyRegistration;
    dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: second.register(reg2), nickname: "Laptop" }, { token: stolen }));
    await mail.settled();

    console.log("PASSKEY_ADDED recipients:", mail.notices.filter((n) => n.type === "PASSKEY_ADDED").map((n) => (n.email === owner.email ? "A (owner)" : n.email === b ? "B (thief)" : n.email === c ? "C (thief)" : n.email)));
    // Heard at C and at B (both the thief's); the owner's A heard only the first.
    expect(mail.to(owner.email, "PASSKEY_ADDED")).toHaveLength(2);
  });

  // Left open by the third round: the second move itself was told only to B (the thief's), with B's undo token.
  it("the second move is told to the owner's original address too, without the later change's undo token", async () => {
    const owner = await enrolledUser(gw);
    const b = uniqueEmail();
    const c = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: b, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: c, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    await mail.settled();
    expect(mail.to(owner.email, "EMAIL_CHANGE_REQUESTED")).toHaveLength(1);
    expect(mail.to(owner.email, "EMAIL_CHANGED").map((n) => n.undoToken)).not.toContain(mail.to(b, "EMAIL_CHANGED")[0]!.undoToken);
  });
});

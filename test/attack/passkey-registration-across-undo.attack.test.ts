import { RelyingParty } from "../../src/auth/factors/webauthn/relying-party";
import { BeginPasskeyLoginDocument, BeginPasskeyRegistrationDocument, CompletePasskeyLoginDocument, CompletePasskeyRegistrationDocument, ConfirmEmailChangeDocument, RequestEmailChangeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { holdCallAfterAnswer } from "../support/held-call";
import { NoticeCapture } from "../support/notice-capture";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * ATTACK: a passkey registration in flight across the owner's undo is stored after the take-back looked, and
 * survives it.
 *
 * Severity: low-medium (a race of a few milliseconds per attempt, but the prize is a passkey that signs in alone after
 * the owner believes the account is back; the thief can keep a registration ceremony open and retry).
 *
 * completePasskeyRegistration authenticates the session once, at the start; it then verifies the attestation and
 * stores the passkey (PasskeyEnrolment.complete) without looking again at whether the session is still live. The
 * undo ends every session, then takes back the passkeys created since the change (a list and remove), then ends the
 * sessions again. A completion that authenticated before the undo and stores after the take-back listed leaves a
 * passkey created after the change that nothing takes back. Held deterministically: RelyingParty.verifyRegistration
 * is held open after it answered (test/support/held-call) until the undo has answered.
 *
 * Should: a registration that lands after its session was ended (or after the account's security epoch moved on since
 * the request began) is refused and stores nothing; after the undo the thief's passkey does not sign in.
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail, answerFloorMs: 0 });
});
afterEach(() => jest.restoreAllMocks());
afterAll(() => gw.close());

describe("ATTACK: the thief's passkey registration racing the owner's undo", () => {
  it("a passkey stored while the undo ran does not sign in after it", async () => {
    const owner = await enrolledUser(gw);
    const stolen = owner.accessToken;
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: uniqueEmail(), code: await freshCode(owner.secret) }, { token: stolen }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: stolen }));
    const thiefsKey = new SoftAuthenticator({ origin: "http://localhost:4000" });
    const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(owner.secret) }, { token: stolen })).beginPasskeyRegistration;
    const response = thiefsKey.register(options);

    const hold = holdCallAfterAnswer(RelyingParty.prototype, "verifyRegistration", response);
    const completing = gw.run(CompletePasskeyRegistrationDocument, { response, nickname: "Phone" }, { token: stolen });
    await hold.wasReached;
    const undo = await gw.run(UndoEmailChangeDocument, { token: mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken! });
    hold.release();
    const completed = await completing;
    expect(dataOf(undo).undoEmailChange).toBe(true);

    const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
    const signIn = await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: thiefsKey.assert(begun.options) });
    console.log({ registration: completed.errors?.[0]?.extensions ?? "stored", thiefSignsIn: signIn.data?.completePasskeyLogin?.tokens?.accessToken !== undefined });
    expect(signIn.data?.completePasskeyLogin?.tokens?.accessToken).toBeUndefined();
  });
});

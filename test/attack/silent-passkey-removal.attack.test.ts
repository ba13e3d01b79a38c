import { BeginPasskeyRegistrationDocument, CompletePasskeyRegistrationDocument, PasskeysDocument, RemovePasskeyDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { everyNoticeRecorder } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, loginWithMfa } from "../support/users";

/**
 * ATTACK: a passkey of the owner's is removed with a stolen session, and the owner hears nothing.
 *
 * Severity: low-medium (black box, stolen access token + one phished code, 2026-12-07). removePasskey takes a fresh
 * factor and ends the owner's other sessions, but unlike PASSKEY_ADDED, AUTHENTICATOR_SET_UP or
 * RECOVERY_CODES_GENERATED it sends no notice: the owner's passkey is gone and the owner is simply signed out, with
 * nothing saying why (the same gap silent-factor-replacement closed for resetMfa and generateRecoveryCodes).
 *
 * Should: removing a passkey is told to the account's address (and, for 30 days after an email change, to the
 * earlier ones), like the additions.
 */
const { notifier: everyNotice, heard } = everyNoticeRecorder();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: everyNotice, answerFloorMs: 0 });
});
afterAll(() => gw.close());

describe("ATTACK: the owner's passkey removed in silence", () => {
  it("removePasskey with a stolen session is told to the owner", async () => {
    const owner = await enrolledUser(gw);
    const ownersSession = (await loginWithMfa(gw, owner)).tokens!.accessToken;
    const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(owner.secret) }, { token: ownersSession })).beginPasskeyRegistration;
    const passkey = dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: new SoftAuthenticator({ origin: "http://localhost:4000" }).register(options), nickname: "MacBook" }, { token: ownersSession })).completePasskeyRegistration;

    const before = heard.length;
    dataOf(await gw.run(RemovePasskeyDocument, { id: passkey.id, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    expect(dataOf(await gw.run(PasskeysDocument, {}, { token: owner.accessToken })).passkeys).toEqual([]);

    expect(heard.slice(before).filter((n) => n.email.toLowerCase() === owner.email.toLowerCase())).not.toEqual([]);
  });
});

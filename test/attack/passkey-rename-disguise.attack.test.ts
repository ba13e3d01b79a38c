import {
  BeginPasskeyLoginDocument,
  BeginPasskeyRegistrationDocument,
  CompletePasskeyLoginDocument,
  CompletePasskeyRegistrationDocument,
  ConfirmForgotPasswordDocument,
  ForgotPasswordDocument,
  MeDocument,
  PasskeysDocument,
  RemovePasskeyDocument,
  RenamePasskeyDocument,
} from "../generated/graphql";
import { TEST_CODE } from "../setup/test-cognito";
import { dataOf, errorOf } from "../support/graphql-client";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { everyNoticeRecorder } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { passkeyStepUp } from "../support/step-up";
import { enrolledUser, freshCode, loginWithMfa, type EnrolledUser } from "../support/users";

/**
 * ATTACK: the thief renames passkeys with the stolen session alone, so the owner's answer to PASSKEY_ADDED removes
 * the owner's own passkey and keeps the thief's.
 *
 * Severity: medium-high (black box, stolen access token; one phished code for the passkey itself, 2026-12-07).
 * Every change of a sign-in method needs a fresh factor, and PASSKEY_ADDED tells the owner the new passkey's
 * nickname: the owner's one way to take a thief's passkey back (no reset, sign-out or authenticator replacement
 * does, see passkey-outlives-owner-recovery) is removePasskey of the passkey the notice named. But the nickname is
 * the only thing that names it to the owner, and renamePasskey needs no fresh factor and tells nobody:
 *  - with the stolen session and no factor at all, the thief renames the owner's passkey ("MacBook" → "Phone") and
 *    their own ("Phone", as the notice said → "MacBook");
 *  - the owner removes "Phone", as the notice told them: it was their own passkey; the thief's still signs in alone.
 *
 * Should: renaming a passkey is a change of how the owner tells their sign-in methods apart: it takes a fresh
 * factor like removePasskey (FORBIDDEN, reason STEP_UP_REQUIRED without one), so a stolen session cannot make the
 * owner's removal hit the wrong passkey.
 */
const { notifier: everyNotice, heard } = everyNoticeRecorder();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: everyNotice, answerFloorMs: 0 });
});
afterAll(() => gw.close());

const register = async (user: EnrolledUser, token: string, nickname: string): Promise<{ key: SoftAuthenticator; id: string }> => {
  const key = new SoftAuthenticator({ origin: "http://localhost:4000" });
  const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(user.secret) }, { token })).beginPasskeyRegistration;
  const passkey = dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: key.register(options), nickname }, { token })).completePasskeyRegistration;
  return { key, id: passkey.id };
};

const signsInAlone = async (key: SoftAuthenticator): Promise<string | undefined> => {
  const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
  const signIn = await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: key.assert(begun.options) });
  const token = signIn.data?.completePasskeyLogin?.tokens?.accessToken;
  return token ? dataOf(await gw.run(MeDocument, {}, { token })).me.email : undefined;
};

/** The owner, with their own passkey "MacBook" registered from their own session; the thief holds another session's access token. */
const ownerWithPasskey = async () => {
  const owner = await enrolledUser(gw);
  const ownersSession = (await loginWithMfa(gw, owner)).tokens!.accessToken;
  const ownersPasskey = await register(owner, ownersSession, "MacBook");
  return { owner, ownersSession, ownersPasskey };
};

describe("ATTACK: renaming passkeys with a stolen session", () => {
  it("renaming the owner's passkey with the stolen session alone needs a fresh factor (STEP_UP_REQUIRED)", async () => {
    const { owner, ownersPasskey } = await ownerWithPasskey();
    const renamed = await gw.run(RenamePasskeyDocument, { id: ownersPasskey.id, nickname: "Phone" }, { token: owner.accessToken });
    expect(errorOf(renamed).extensions).toMatchObject({ code: "FORBIDDEN", reason: "STEP_UP_REQUIRED" });
    expect(dataOf(await gw.run(PasskeysDocument, {}, { token: owner.accessToken })).passkeys.map((p) => p.nickname)).toEqual(["MacBook"]);
  });

  it("the owner who removes the passkey PASSKEY_ADDED named removes the thief's, not their own", async () => {
    const { owner, ownersSession, ownersPasskey } = await ownerWithPasskey();
    const before = heard.length;
    // The thief: one phished code adds their passkey; the owner is told its name.
    const thiefs = await register(owner, owner.accessToken, "Phone");
    const told = heard.slice(before).filter((n) => n.type === "passkeyAdded" && n.email.toLowerCase() === owner.email.toLowerCase());
    expect(told.map((n) => n.nickname)).toEqual(["Phone"]);
    // Then, with the stolen session and no factor, the names are swapped.
    await gw.run(RenamePasskeyDocument, { id: ownersPasskey.id, nickname: "Phone" }, { token: owner.accessToken });
    await gw.run(RenamePasskeyDocument, { id: thiefs.id, nickname: "MacBook" }, { token: owner.accessToken });

    // The owner does what the notice says: removes "Phone" (with their own fresh code).
    const listed = dataOf(await gw.run(PasskeysDocument, {}, { token: ownersSession })).passkeys;
    const named = listed.filter((p) => p.nickname === told[0]!.nickname);
    for (const passkey of named) dataOf(await gw.run(RemovePasskeyDocument, { id: passkey.id, code: await freshCode(owner.secret) }, { token: ownersSession }));

    expect(await signsInAlone(thiefs.key)).toBeUndefined();
    expect(await signsInAlone(ownersPasskey.key)).toBe(owner.email);
  });

  it("a swap made with the thief's own passkey as the fresh factor is told to the owner, and the owner's reset takes every passkey back", async () => {
    const { owner, ownersPasskey } = await ownerWithPasskey();
    const thiefs = await register(owner, owner.accessToken, "Phone");
    const before = heard.length;
    // The thief's passkey verifies the user: it is a fresh factor for the stolen session.
    dataOf(await gw.run(RenamePasskeyDocument, { id: ownersPasskey.id, nickname: "Phone", ...(await passkeyStepUp(gw, owner.accessToken, thiefs.key)) }, { token: owner.accessToken }));
    dataOf(await gw.run(RenamePasskeyDocument, { id: thiefs.id, nickname: "MacBook", ...(await passkeyStepUp(gw, owner.accessToken, thiefs.key)) }, { token: owner.accessToken }));
    const renames = heard.slice(before).filter((n) => n.change === "PASSKEY_RENAMED" && n.email.toLowerCase() === owner.email.toLowerCase());
    expect(renames).toHaveLength(2);

    // The notice's advice: reset the password through the owner's own mailbox; no passkey survives it.
    dataOf(await gw.run(ForgotPasswordDocument, { email: owner.email }));
    dataOf(await gw.run(ConfirmForgotPasswordDocument, { email: owner.email, code: TEST_CODE, newPassword: "Owners-Own-Reset-Passw0rd-78" }));
    expect(await signsInAlone(thiefs.key)).toBeUndefined();
    expect(await signsInAlone(ownersPasskey.key)).toBeUndefined();
  });
});

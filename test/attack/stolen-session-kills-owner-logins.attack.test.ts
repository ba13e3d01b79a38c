import { BeginPasskeyRegistrationDocument, CompletePasskeyRegistrationDocument, GenerateRecoveryCodesDocument, LoginDocument, LogoutEverywhereDocument, MeDocument, RespondToMfaDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { passkeyStepUp } from "../support/step-up";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD } from "../support/users";

/**
 * ATTACK: a stolen session keeps the owner from signing in (and so from ending it), at will, for its whole life.
 *
 * Severity: low-medium (fourth black box, 2026-12-07; availability of the owner's remedy). Every login remembers the
 * account's security epoch from its first step and is refused at its end when the epoch moved meanwhile
 * (SESSION_EXPIRED). Additions move it too: generateRecoveryCodes and a passkey registration bump the epoch and end no
 * session, the caller's included. The thief holding one stolen session registers a passkey of their own once (one
 * phished code); from then on each generateRecoveryCodes with that passkey as the fresh factor (beginPasskeyStepUp:
 * unlimited, no code needed) kills whatever login of the owner is between its password and its code — within the
 * per-user limit that is one every four seconds, longer than anyone takes to type a TOTP code. The owner can't get the
 * session they need to run logoutEverywhere or removePasskey; the thief's session, kept busy, never idles out, and
 * lives until SESSION_MAX_AGE. The hosted login's new auth_time check adds nothing against it, and the same lever
 * refuses the owner's hosted sign-ins whose callback comes after the next bump.
 *
 * Made deterministic: the thief's step-up and new codes run between the owner's password step and code step.
 *
 * Should: a change that adds a credential, made by one session of the account, does not refuse the account's other
 * logins in flight (only a change that takes something away — a password set, a factor removed, sign-out everywhere,
 * disable, lock — does); the owner's login completes, and its logoutEverywhere ends the thief's session.
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail, answerFloorMs: 0 });
});
afterAll(() => gw.close());

describe("ATTACK: the thief's session moves the epoch while the owner signs in", () => {
  it("the owner's login still completes and ends the thief's session", async () => {
    const owner = await enrolledUser(gw);
    const stolen = owner.accessToken;
    // Once: the thief's own passkey (one phished code).
    const thiefsKey = new SoftAuthenticator({ origin: "http://localhost:4000" });
    const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(owner.secret) }, { token: stolen })).beginPasskeyRegistration;
    dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: thiefsKey.register(options), nickname: "thief" }, { token: stolen }));

    // The owner signs in: the password step...
    const challenge = dataOf(await gw.run(LoginDocument, { email: owner.email, password: PASSWORD })).login.challenge!;
    // ...while the owner types the code, the thief asks for new recovery codes with the passkey (no code needed).
    dataOf(await gw.run(GenerateRecoveryCodesDocument, await passkeyStepUp(gw, stolen, thiefsKey), { token: stolen }));
    // ...the owner's code.
    const answer = await gw.run(RespondToMfaDocument, { session: challenge.session, code: await freshCode(owner.secret) });
    const ownersToken = answer.data?.respondToMfa?.tokens?.accessToken;
    if (ownersToken) dataOf(await gw.run(LogoutEverywhereDocument, {}, { token: ownersToken }));
    const observed = {
      ownersLogin: answer.errors?.[0]?.extensions?.["code"] ?? "tokens",
      thiefsSessionAfter: (await gw.run(MeDocument, {}, { token: stolen })).errors?.[0]?.extensions?.["code"] ?? "live",
    };
    console.log(observed);
    expect(observed).toEqual({ ownersLogin: "tokens", thiefsSessionAfter: "UNAUTHENTICATED" });
  });
});

import { ConfirmEmailChangeDocument, ConfirmForgotPasswordDocument, ExchangeAuthorizationCodeDocument, ForgotPasswordDocument, MeDocument, RequestEmailChangeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf, execute } from "../support/graphql-client";
import { nativeAppSignIn, startHostedLogin, subOf, withJar, type HostedLoginSetup } from "../support/hosted-login";
import { NoticeCapture } from "../support/notice-capture";
import { enrolledUser, freshCode, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * ATTACK: a hosted sign-in made in the same second as the owner's undo, redeemed after it, opens a session.
 *
 * Severity: medium (fourth black box, 2026-12-07). The fix of hosted-cookie-after-undo refuses a hosted sign-in whose
 * ID token auth_time is older than the account's last security change, but breaks the tie in the sign-in's favour:
 * `changedSince(sub, (authTime + 1) * 1000 - 1)` lets through every change made in the sign-in's own second ("a
 * reset, then signing in at once"). The order inside that second is not "the change, then the sign-in": the thief
 * signs in at the pool's page (the password they reset through their inbox, a phished code), keeps the authorization
 * code (it lives minutes; nothing makes the thief redeem it at once), and the owner's undo lands later in the same
 * second: it moves the address back, ends every session, replaces the thief's password, bumps the epoch twice. The
 * thief then redeems the code: auth_time is "not older" than the undo, and exchangeAuthorizationCode (or
 * /auth/callback) opens a fresh gateway session on the owner's account with the credentials the undo took back.
 * The gateway cannot tell the two orders apart from whole seconds, and it resolves the doubt for the attacker; an
 * owner who resets and signs in within one second would only be sent through the pool's /logout once more.
 *
 * Made deterministic with the gateway's injected clock: the undo runs at the last millisecond of the second the
 * stand-in of the pool stamped as auth_time (real time), i.e. strictly after the thief's sign-in.
 *
 * Should: a sign-in whose auth_time second is not strictly after the account's last security change opens nothing
 * (SESSION_EXPIRED, reason LOGIN_REQUIRED), as for any older sign-in.
 */
let setup: HostedLoginSetup;
const mail = new NoticeCapture();
let pinned: number | undefined;
beforeAll(async () => {
  setup = await startHostedLogin({ notifier: mail, answerFloorMs: 0, clock: { now: () => pinned ?? Date.now() } });
});
afterAll(() => setup?.close());

/** A native app's PKCE sign-in at the pool with credentials (a fresh browser): the code, not redeemed. */
const signInAtPool = (login: string) => nativeAppSignIn(setup, withJar(), login);

describe("ATTACK: a hosted sign-in in the undo's own second", () => {
  it("opens no session once the undo took the account back", async () => {
    const gw = setup.gw;
    const owner = await enrolledUser(gw);
    const sub = await subOf(owner.email);
    // The thief: stolen session + phished code move the email, then the password is reset through the thief's inbox.
    const thiefs = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: thiefs, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    dataOf(await gw.run(ForgotPasswordDocument, { email: thiefs }));
    dataOf(await gw.run(ConfirmForgotPasswordDocument, { email: thiefs, code: TEST_CODE, newPassword: "Thiefs-Chosen-Passw0rd-42" }));

    // The thief signs in at the pool with those credentials and keeps the code. The second the pool stamps as
    // auth_time is known when the whole sign-in fell within one second.
    let signIn: Awaited<ReturnType<typeof signInAtPool>> | undefined;
    let authSecond = 0;
    for (let attempt = 0; attempt < 10 && signIn === undefined; attempt++) {
      const before = Date.now();
      const made = await signInAtPool(sub);
      const after = Date.now();
      if (Math.floor(before / 1000) === Math.floor(after / 1000)) {
        signIn = made;
        authSecond = Math.floor(before / 1000);
      }
    }
    expect(signIn).toBeDefined();

    // Later in that same second (its last millisecond), the owner's undo: address back, sessions ended, the thief's
    // password replaced by one nobody knows, the epoch moved on.
    pinned = authSecond * 1000 + 999;
    const undo = await gw.run(UndoEmailChangeDocument, { token: mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken! });
    pinned = undefined;
    expect(dataOf(undo).undoEmailChange).toBe(true);

    // The thief redeems the code kept from before the undo, a moment later (once that second is over).
    while (Date.now() <= authSecond * 1000 + 999) await new Promise((resolve) => setTimeout(resolve, 20));
    const exchanged = await execute(gw.url, ExchangeAuthorizationCodeDocument, { code: signIn!.code, codeVerifier: signIn!.codeVerifier, redirectUri: setup.appRedirectUri, nonce: signIn!.nonce });
    const token = exchanged.data?.exchangeAuthorizationCode?.tokens?.accessToken;
    const me = token ? (await gw.run(MeDocument, {}, { token })).data?.me : undefined;
    console.log({ exchange: exchanged.errors?.[0]?.extensions ?? "tokens", signedInAs: me?.email === owner.email ? "the owner's account, at the restored address" : me?.email });
    expect({ sessionAfterUndo: me?.email ?? null, refusal: exchanged.errors?.[0]?.extensions?.["reason"] ?? null }).toEqual({ sessionAfterUndo: null, refusal: "LOGIN_REQUIRED" });
  });
});

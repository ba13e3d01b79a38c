import { ConfirmEmailChangeDocument, ConfirmForgotPasswordDocument, ExchangeAuthorizationCodeDocument, ForgotPasswordDocument, MeDocument, RequestEmailChangeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf, execute } from "../support/graphql-client";
import { nativeAppSignIn, startHostedLogin, subOf, withJar, type HostedLoginSetup } from "../support/hosted-login";
import { NoticeCapture } from "../support/notice-capture";
import { enrolledUser, freshCode, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * ATTACK: the pool's hosted-login session outlives the owner's undo (and every other "sign out everywhere").
 *
 * Severity: high (takeover survives the owner's remedy: after the undo restored the address, ended every session,
 * replaced the thief's password and took back what was set since the change, the thief signs in again without any
 * credential and gets a fresh gateway session on the owner's account, for as long as the pool's cookie lives —
 * an hour, renewed by each use).
 *
 * The thief (stolen access token + phished code) moves the email to their inbox, resets the password through it,
 * and signs in once at the pool's hosted login (the thief's password and a phished code; the stand-in of the pool's
 * domain lets the named account in, as the pool does after its own password and TOTP steps). The pool keeps its own
 * session cookie on the thief's browser; AdminUserGlobalSignOut "doesn't clear the managed login session cookie"
 * (AWS API reference). After the owner's undo, the thief's browser goes to /oauth2/authorize again: the pool's cookie
 * signs it in without a password, and exchangeAuthorizationCode (or /auth/callback) turns the code into a new
 * session: OAuthLogin.finish checks the lock, the disabled flag and MFA enrolment, never whether the pool's sign-in
 * (the ID token's auth_time) predates the account's last security event.
 *
 * Should: a hosted sign-in authenticated before the undo (before any signOutEverywhere / security-epoch move of the
 * account) opens no session; the exchange is refused and the thief's browser has to enter credentials again.
 */
let setup: HostedLoginSetup;
const mail = new NoticeCapture();
/** The gateway's clock, moved on instead of sleeping: the owner's undo comes seconds after the thief's sign-in at the pool. */
let later = 0;
beforeAll(async () => {
  setup = await startHostedLogin({ notifier: mail, answerFloorMs: 0, clock: { now: () => Date.now() + later } });
});
afterAll(() => setup?.close());

const browser = withJar;
const appSignIn = (go: ReturnType<typeof withJar>, login: string) => nativeAppSignIn(setup, go, login);

const exchange = (signIn: { code: string; codeVerifier: string; nonce: string }) =>
  execute(setup.gw.url, ExchangeAuthorizationCodeDocument, { code: signIn.code, codeVerifier: signIn.codeVerifier, redirectUri: setup.appRedirectUri, nonce: signIn.nonce });

describe("ATTACK: the thief's hosted-login session at the pool, after the owner's undo", () => {
  it("opens no new gateway session without credentials", async () => {
    const gw = setup.gw;
    const owner = await enrolledUser(gw);
    const sub = await subOf(owner.email);
    const thiefs = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: thiefs, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    // The thief's reset, seconds before their sign-in at the pool (a sign-in in the same second as a security
    // change is asked again).
    later = -5_000;
    dataOf(await gw.run(ForgotPasswordDocument, { email: thiefs }));
    dataOf(await gw.run(ConfirmForgotPasswordDocument, { email: thiefs, code: TEST_CODE, newPassword: "Thiefs-Chosen-Passw0rd-42" }));
    later = 0;

    // The thief signs in once at the pool's hosted login (their password + a phished code at the pool's pages).
    const thiefsBrowser = browser();
    const first = await appSignIn(thiefsBrowser, sub);
    expect(first.askedForCredentials).toBe(true);
    const thiefsSession = dataOf(await exchange(first)).exchangeAuthorizationCode.tokens!.accessToken;
    expect(dataOf(await gw.run(MeDocument, {}, { token: thiefsSession })).me.email).toBe(thiefs);

    // The owner's undo, a few seconds later: address back, every session ended, the thief's password replaced.
    later = 3_000;
    expect(dataOf(await gw.run(UndoEmailChangeDocument, { token: mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken! })).undoEmailChange).toBe(true);
    expect((await gw.run(MeDocument, {}, { token: thiefsSession })).errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");

    // The thief's browser goes back to the pool: its session cookie signs it in without credentials.
    const again = await appSignIn(thiefsBrowser, sub);
    const reopened = await exchange(again);
    const token = reopened.data?.exchangeAuthorizationCode?.tokens?.accessToken;
    const me = token ? (await gw.run(MeDocument, {}, { token })).data?.me : undefined;
    console.log({ askedForCredentials: again.askedForCredentials, exchange: reopened.errors?.[0]?.extensions ?? "tokens", signedInAs: me?.email === owner.email ? "owner's account (address A)" : me?.email });
    expect(me?.email).toBeUndefined();
  });
});

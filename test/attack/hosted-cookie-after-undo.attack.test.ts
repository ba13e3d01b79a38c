import { createHash, randomBytes } from "node:crypto";
import { ConfirmEmailChangeDocument, ConfirmForgotPasswordDocument, ExchangeAuthorizationCodeDocument, ForgotPasswordDocument, MeDocument, RequestEmailChangeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf, execute } from "../support/graphql-client";
import { startHostedLogin, subOf, type HostedLoginSetup } from "../support/hosted-login";
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

/** One browser's cookie jar at the pool's domain: the thief's browser keeps the pool's session. */
const browser = () => {
  const jar = new Map<string, string>();
  return async (url: string): Promise<Response> => {
    const response = await fetch(url, { redirect: "manual", headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  };
};

/** A native app's PKCE sign-in in `go`'s browser; `login` is given to the pool's form only if the pool asks for it. */
const appSignIn = async (go: ReturnType<typeof browser>, login: string) => {
  const codeVerifier = randomBytes(32).toString("base64url");
  const nonce = randomBytes(16).toString("base64url");
  const authorize = new URL(`${setup.standIn.url}/oauth2/authorize`);
  authorize.search = new URLSearchParams({
    client_id: setup.standIn.clientId,
    response_type: "code",
    redirect_uri: setup.appRedirectUri,
    scope: "openid email aws.cognito.signin.user.admin",
    state: "app-state",
    nonce,
    code_challenge: createHash("sha256").update(codeVerifier).digest("base64url"),
    code_challenge_method: "S256",
  }).toString();
  let response = await go(authorize.href);
  let askedForCredentials = false;
  for (let hops = 0; hops < 8; hops++) {
    const location = response.headers.get("location");
    if (!location) throw new Error(`stand-in stopped at ${response.status}: ${await response.text()}`);
    const next = new URL(location, authorize.href);
    if (next.origin !== authorize.origin) return { code: next.searchParams.get("code")!, codeVerifier, nonce, askedForCredentials };
    if (next.pathname.startsWith("/interaction/") && !next.searchParams.has("login")) {
      const page = await go(next.href);
      if (page.status === 200) {
        askedForCredentials = true;
        next.searchParams.set("login", login);
      } else {
        response = page;
        continue;
      }
    }
    response = await go(next.href);
  }
  throw new Error("too many redirects at the stand-in");
};

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

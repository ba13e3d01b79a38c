import { createHash, randomBytes } from "node:crypto";
import { setFlags } from "../../src/auth/account-records";
import { lockedSubKey } from "../../src/policy/lockout";
import { ExchangeAuthorizationCodeDocument, LogoutEverywhereDocument, MeDocument } from "../generated/graphql";
import { FakeClock } from "../fakes/fake-clock";
import { dataOf, errorOf, execute } from "../support/graphql-client";
import { cookiesSetBy, signInAtPool, startHostedLogin, subOf, type HostedLoginSetup } from "../support/hosted-login";
import { startTestGateway } from "../support/test-gateway";
import { enrolledUser, registerConfirmed } from "../support/users";

let setup: HostedLoginSetup;
const clock = new FakeClock();

beforeAll(async () => {
  setup = await startHostedLogin({ clock });
});
afterAll(async () => {
  await setup?.close();
});

const gatewayUrl = (path: string) => `${setup.origin}${path}`;
const noFollow = (url: string, init: RequestInit = {}) => fetch(url, { redirect: "manual", ...init });

/** The login cookie each begun login set, by its state: the same browser comes back with it. */
const bindings = new Map<string, string>();

/** The login redirect for a browser app: where /auth/login sends the browser. */
const beginLogin = async (returnTo?: string): Promise<URL> => {
  const response = await noFollow(gatewayUrl(`/auth/login${returnTo === undefined ? "" : `?returnTo=${encodeURIComponent(returnTo)}`}`));
  expect(response.status).toBe(302);
  const authorize = new URL(response.headers.get("location")!);
  bindings.set(authorize.searchParams.get("state")!, cookiesSetBy(response));
  return authorize;
};

/** The pool's redirect back to /auth/callback, after `sub` signed in there. */
const poolRedirect = async (sub: string, tamper: (authorize: URL) => void = () => {}): Promise<URL> => {
  const authorize = await beginLogin();
  tamper(authorize);
  return signInAtPool(authorize.href, sub);
};

const callback = (url: URL) => noFollow(gatewayUrl(`/auth/callback${url.search}`), { headers: { cookie: bindings.get(url.searchParams.get("state") ?? "") ?? "" } });

const sessionCookieOf = (response: Response): string => {
  const line = response.headers.getSetCookie().find((c) => c.startsWith("authgw-session="));
  if (!line) throw new Error(`no session cookie (status ${response.status})`);
  return line.split(";")[0]!;
};

/** The session cookies a response sets (the login cookie is cleared on every callback). */
const sessionCookiesSet = (response: Response): string[] => response.headers.getSetCookie().filter((line) => !line.startsWith("authgw-login="));

const meWithCookie = (cookie: string) => execute(setup.gw.url, MeDocument, {}, { headers: { cookie } });

/** A new enrolled account (TOTP on) and its cognito-local sub, for tests that change the account. */
const freshAccount = async () => {
  const user = await enrolledUser(setup.gw);
  return { ...user, sub: await subOf(user.email) };
};
let shared: ReturnType<typeof freshAccount> | undefined;
/** One enrolled account for the tests that only open sessions (each login is a session of its own). */
const enrolledAccount = () => (shared ??= freshAccount());

/** The audit records written from now on (the shared account collects records from every test). */
/** The outcome records written since now (each operation's INTENT record precedes its outcome). */
const recordsFrom = () => {
  const mark = setup.gw.audit.records.length;
  return () => setup.gw.audit.records.slice(mark).filter((r) => r.outcome !== "INTENT");
};

/** A full browser-app login: returns the session cookie. */
const browserLogin = async (sub: string): Promise<string> => {
  const response = await callback(await poolRedirect(sub));
  expect(response.status).toBe(302);
  return sessionCookieOf(response);
};

const errorBody = async (response: Response) => ((await response.json()) as { error: { code: string; reason?: string; fields?: unknown[] } }).error;

describe("hosted login for browser apps (BFF)", () => {
  it("sends the browser to the pool with PKCE S256, state and nonce, and keeps the verifier server-side", async () => {
    const authorize = await beginLogin();
    expect(authorize.origin + authorize.pathname).toBe(`${setup.standIn.url}/oauth2/authorize`);
    const params = authorize.searchParams;
    expect(params.get("response_type")).toBe("code");
    expect(params.get("client_id")).toBe(setup.standIn.clientId);
    expect(params.get("redirect_uri")).toBe(setup.oauth.callbackUrl);
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get("nonce")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get("scope")).toBe("openid email aws.cognito.signin.user.admin");
    expect([...params.keys()]).not.toContain("code_verifier");
  });

  it("opens a gateway session on the callback: an HttpOnly, Secure, SameSite cookie, then `me` through GraphQL", async () => {
    const user = await enrolledAccount();
    const written = recordsFrom();
    const response = await callback(await poolRedirect(user.sub));
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(setup.oauth.returnTo[0]);
    expect(response.headers.getSetCookie()).toContain("authgw-login=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax");
    const setCookie = sessionCookiesSet(response).join("\n");
    expect(setCookie).toMatch(/^authgw-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    // The browser never gets a token: not in the cookie, the redirect or the body.
    expect(response.headers.get("location")).not.toMatch(/token|code=/);
    const cookie = sessionCookieOf(response);
    const me = dataOf(await meWithCookie(cookie)).me;
    expect(me.sub).toBe(user.sub);
    expect(me.email).toBe(user.email);
    const login = written().filter((r) => r.event === "OAUTH_LOGIN" && r.outcome !== "INTENT");
    expect(login).toEqual([expect.objectContaining({ outcome: "SUCCESS", sessionId: expect.any(String), clientId: setup.standIn.clientId })]);
  });

  it("returns to an allow-listed returnTo, and refuses any other (no open redirect)", async () => {
    const second = setup.oauth.returnTo[1]!;
    const authorize = await beginLogin(second);
    const user = await enrolledAccount();
    const response = await callback(await signInAtPool(authorize.href, user.sub));
    expect(response.headers.get("location")).toBe(second);

    for (const evil of ["https://evil.example/", `${second}.evil.example`, `${second}/../x`, "//evil.example", `${second}?next=https://evil.example`, "javascript:alert(1)", ""]) {
      const refused = await noFollow(gatewayUrl(`/auth/login?returnTo=${encodeURIComponent(evil)}`));
      expect(refused.status).toBe(400);
      expect(refused.headers.get("location")).toBeNull();
      expect(await errorBody(refused)).toMatchObject({ code: "BAD_USER_INPUT", fields: [{ field: "returnTo", rules: ["allowList"] }] });
    }
    const twice = await noFollow(gatewayUrl(`/auth/login?returnTo=${encodeURIComponent(second)}&returnTo=https://evil.example/`));
    expect(twice.status).toBe(400);
  });

  it("uses each state once: a replayed callback is refused and opens no second session", async () => {
    const user = await enrolledAccount();
    const redirect = await poolRedirect(user.sub);
    expect((await callback(redirect)).status).toBe(302);
    const replay = await callback(redirect);
    expect(replay.status).toBe(400);
    expect(sessionCookiesSet(replay)).toEqual([]);
    expect(await errorBody(replay)).toMatchObject({ code: "SESSION_EXPIRED", reason: "STATE_INVALID" });
  });

  it("refuses a wrong or missing state", async () => {
    const user = await enrolledAccount();
    const redirect = await poolRedirect(user.sub);
    const forged = new URL(redirect);
    forged.searchParams.set("state", randomBytes(32).toString("base64url"));
    expect(await errorBody(await callback(forged))).toMatchObject({ code: "SESSION_EXPIRED", reason: "STATE_INVALID" });
    const none = new URL(redirect);
    none.searchParams.delete("state");
    expect(await errorBody(await callback(none))).toMatchObject({ code: "SESSION_EXPIRED", reason: "STATE_INVALID" });
  });

  it("refuses a state older than five minutes", async () => {
    const user = await enrolledAccount();
    const redirect = await poolRedirect(user.sub);
    clock.advanceSeconds(301);
    expect(await errorBody(await callback(redirect))).toMatchObject({ code: "SESSION_EXPIRED", reason: "STATE_INVALID" });
  });

  it("refuses an id token whose nonce is not the one the gateway sent", async () => {
    const user = await enrolledAccount();
    const redirect = await poolRedirect(user.sub, (authorize) => authorize.searchParams.set("nonce", "a-nonce-the-gateway-never-sent"));
    const response = await callback(redirect);
    expect(response.status).toBe(400);
    expect(await errorBody(response)).toMatchObject({ code: "SESSION_EXPIRED", reason: "ID_TOKEN_INVALID" });
    expect(sessionCookiesSet(response)).toEqual([]);
  });

  it("refuses a code issued to another client", async () => {
    const user = await enrolledAccount();
    const redirect = await poolRedirect(user.sub, (authorize) => authorize.searchParams.set("client_id", setup.standIn.otherClientId));
    expect(redirect.searchParams.get("code")).toBeTruthy();
    expect(await errorBody(await callback(redirect))).toMatchObject({ code: "SESSION_EXPIRED", reason: "GRANT_INVALID" });
  });

  it("refuses a code whose PKCE challenge is not the gateway's (verifier mismatch)", async () => {
    const user = await enrolledAccount();
    const forgedChallenge = createHash("sha256").update(randomBytes(32).toString("base64url")).digest("base64url");
    const redirect = await poolRedirect(user.sub, (authorize) => authorize.searchParams.set("code_challenge", forgedChallenge));
    expect(await errorBody(await callback(redirect))).toMatchObject({ code: "SESSION_EXPIRED", reason: "GRANT_INVALID" });
  });

  it("refuses a disabled account, a locked account and an account without TOTP (fail closed)", async () => {
    const disabled = await freshAccount();
    const locked = await freshAccount();
    const unenrolled = await subOf(await registerConfirmed(setup.gw));
    const written = recordsFrom();
    await setFlags(setup.gw.store, disabled.sub, { disabled: true });
    const refusedDisabled = await callback(await poolRedirect(disabled.sub));
    expect(refusedDisabled.status).toBe(403);
    expect(await errorBody(refusedDisabled)).toMatchObject({ code: "INVALID_CREDENTIALS" });

    await setup.gw.store.set(lockedSubKey(locked.sub), "1", 900);
    const refusedLocked = await callback(await poolRedirect(locked.sub));
    expect(refusedLocked.status).toBe(403);
    expect(await errorBody(refusedLocked)).toMatchObject({ code: "ACCOUNT_LOCKED" });

    const refusedNoMfa = await callback(await poolRedirect(unenrolled));
    expect(refusedNoMfa.status).toBe(403);
    expect(await errorBody(refusedNoMfa)).toMatchObject({ code: "FORBIDDEN", reason: "MFA_NOT_ENROLLED" });

    for (const response of [refusedDisabled, refusedLocked, refusedNoMfa]) expect(sessionCookiesSet(response)).toEqual([]);
    const failures = written().filter((r) => r.event === "OAUTH_LOGIN" && r.outcome !== "INTENT").map((r) => [r.outcome, r.reason, r.subject]);
    expect(failures).toEqual([
      ["FAILURE", "INVALID_CREDENTIALS", disabled.sub],
      ["FAILURE", "ACCOUNT_LOCKED", locked.sub],
      ["FAILURE", "FORBIDDEN", unenrolled],
    ]);
  });

  it("POST /auth/logout ends the session, clears the cookie and sends the browser to the pool's /logout with the sign-out URL", async () => {
    const user = await enrolledAccount();
    const cookie = await browserLogin(user.sub);
    const written = recordsFrom();
    const response = await noFollow(gatewayUrl("/auth/logout"), { method: "POST", headers: { cookie, origin: setup.origin } });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(`${setup.standIn.url}/logout`);
    expect(Object.fromEntries(location.searchParams)).toEqual({ client_id: setup.standIn.clientId, logout_uri: setup.oauth.signOutUrl });
    expect(response.headers.getSetCookie().join("\n")).toMatch(/^authgw-session=; Path=\/; HttpOnly; Secure; SameSite=Lax; Max-Age=0$/);
    // The pool ends its own session and lands on the sign-out URL.
    expect((await noFollow(location.href)).headers.get("location")).toBe(setup.oauth.signOutUrl);

    const refused = await meWithCookie(cookie);
    expect(refused.status).toBe(401);
    expect(errorOf(refused).extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
    const logout = written().find((r) => r.event === "LOGOUT" && r.subject === user.sub);
    expect(logout).toMatchObject({ outcome: "SUCCESS" });
    expect(logout?.reason).toBeUndefined(); // the refresh token was revoked at the pool
  });

  it("refuses POST /auth/logout from another site", async () => {
    const user = await enrolledAccount();
    const cookie = await browserLogin(user.sub);
    const crossSite: Record<string, string>[] = [{ origin: "https://evil.example" }, { origin: "null", "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "cross-site" }];
    for (const headers of crossSite) {
      const response = await noFollow(gatewayUrl("/auth/logout"), { method: "POST", headers: { cookie, ...headers } });
      expect(response.status).toBe(403);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(dataOf(await meWithCookie(cookie)).me.sub).toBe(user.sub);
  });

  it("keeps CSRF closed: a form-encoded or text/plain POST with the cookie is refused before any resolver runs", async () => {
    const user = await enrolledAccount();
    const cookie = await browserLogin(user.sub);
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const response = await fetch(setup.gw.url, { method: "POST", headers: { cookie, "content-type": contentType }, body: JSON.stringify({ query: "mutation { logoutEverywhere }" }) });
      expect(response.status).toBe(400);
    }
    expect(dataOf(await meWithCookie(cookie)).me.sub).toBe(user.sub);
  });

  it("refreshes the tokens server-side before they expire, and the cookie keeps working", async () => {
    const user = await enrolledAccount();
    const cookie = await browserLogin(user.sub);
    const written = recordsFrom();
    clock.advanceSeconds(70); // the stand-in's access tokens live 120 s: within a minute of expiry
    expect(dataOf(await meWithCookie(cookie)).me.sub).toBe(user.sub);
    const refresh = written().filter((r) => r.event === "TOKEN_REFRESH");
    expect(refresh).toEqual([expect.objectContaining({ outcome: "SUCCESS" })]);
    expect(dataOf(await meWithCookie(cookie)).me.sub).toBe(user.sub);
  });

  it("obeys idle logoff like any session", async () => {
    const user = await enrolledAccount();
    const cookie = await browserLogin(user.sub);
    const written = recordsFrom();
    clock.advanceSeconds(901);
    const refused = await meWithCookie(cookie);
    expect(refused.status).toBe(401);
    expect(errorOf(refused).extensions).toMatchObject({ reason: "SESSION_IDLE" });
    expect(written()).toEqual(expect.arrayContaining([expect.objectContaining({ event: "IDLE_TIMEOUT", subject: user.sub })]));
  });

  it("obeys logoutEverywhere like any session", async () => {
    const user = await freshAccount();
    const cookie = await browserLogin(user.sub);
    dataOf(await execute(setup.gw.url, LogoutEverywhereDocument, {}, { token: user.accessToken }));
    const refused = await meWithCookie(cookie);
    expect(refused.status).toBe(401);
    expect(errorOf(refused).extensions).toMatchObject({ reason: "TOKEN_REVOKED" });
  });

  it("sends a browser whose sign-in at the pool predates the account's last security change through the pool's /logout, opening no session", async () => {
    const user = await freshAccount();
    // Signed in at the pool (whose own session cookie would sign this browser in again without asking)...
    const back = await poolRedirect(user.sub);
    // ...then, seconds later, a sign-out everywhere (as an undo of an email change or a reset does).
    clock.advanceSeconds(5);
    dataOf(await execute(setup.gw.url, LogoutEverywhereDocument, {}, { token: user.accessToken }));
    const written = recordsFrom();
    const response = await callback(back);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(`${setup.standIn.url}/logout`);
    expect(response.headers.getSetCookie().some((line) => line.startsWith("authgw-session="))).toBe(false);
    expect(written()).toEqual(expect.arrayContaining([expect.objectContaining({ event: "OAUTH_LOGIN", outcome: "FAILURE", subject: user.sub })]));
  });

  it("refuses a cookie the gateway never issued", async () => {
    const refused = await meWithCookie(`authgw-session=${randomBytes(32).toString("base64url")}`);
    expect(refused.status).toBe(401);
    expect(errorOf(refused).extensions).toMatchObject({ reason: "TOKEN_REVOKED" });
  });
});

describe("exchangeAuthorizationCode (native and single-page apps)", () => {
  it("is refused when hosted login is not configured", async () => {
    const plain = await startTestGateway();
    try {
      const refused = await execute(plain.url, ExchangeAuthorizationCodeDocument, { code: "abc", codeVerifier: "v".repeat(43), redirectUri: setup.appRedirectUri });
      expect(errorOf(refused).extensions).toMatchObject({ code: "BAD_REQUEST", reason: "HOSTED_LOGIN_NOT_CONFIGURED" });
      expect((await fetch(plain.url.replace("/graphql", "/auth/login"), { redirect: "manual" })).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  /** What a native app does: its own PKCE pair, state and nonce, then the pool's redirect to it. */
  const appSignIn = async (sub: string, redirectUri = setup.appRedirectUri) => {
    const codeVerifier = randomBytes(32).toString("base64url");
    const authorize = new URL(`${setup.standIn.url}/oauth2/authorize`);
    const nonce = randomBytes(16).toString("base64url");
    authorize.search = new URLSearchParams({
      client_id: setup.standIn.clientId,
      response_type: "code",
      redirect_uri: redirectUri,
      scope: "openid email aws.cognito.signin.user.admin",
      state: "app-state",
      nonce,
      code_challenge: createHash("sha256").update(codeVerifier).digest("base64url"),
      code_challenge_method: "S256",
    }).toString();
    const redirect = await signInAtPool(authorize.href, sub);
    return { code: redirect.searchParams.get("code")!, codeVerifier, nonce };
  };

  it("returns the usual AuthPayload and opens a session like any login", async () => {
    const user = await enrolledAccount();
    const { code, codeVerifier, nonce } = await appSignIn(user.sub);
    const payload = dataOf(await execute(setup.gw.url, ExchangeAuthorizationCodeDocument, { code, codeVerifier, redirectUri: setup.appRedirectUri, nonce })).exchangeAuthorizationCode;
    expect(payload.challenge).toBeNull();
    expect(payload.tokens?.refreshToken).toBeTruthy();
    expect(dataOf(await execute(setup.gw.url, MeDocument, {}, { token: payload.tokens!.accessToken })).me.sub).toBe(user.sub);
    // The code was used: a second exchange fails at the pool.
    const again = await execute(setup.gw.url, ExchangeAuthorizationCodeDocument, { code, codeVerifier, redirectUri: setup.appRedirectUri, nonce });
    expect(errorOf(again).extensions).toMatchObject({ code: "SESSION_EXPIRED", reason: "GRANT_INVALID" });
  });

  it("refuses a forged or missing PKCE verifier", async () => {
    const user = await enrolledAccount();
    const { code, nonce } = await appSignIn(user.sub);
    const forged = await execute(setup.gw.url, ExchangeAuthorizationCodeDocument, { code, codeVerifier: randomBytes(32).toString("base64url"), redirectUri: setup.appRedirectUri, nonce });
    expect(errorOf(forged).extensions).toMatchObject({ code: "SESSION_EXPIRED", reason: "GRANT_INVALID" });
    const missing = await execute(setup.gw.url, ExchangeAuthorizationCodeDocument, { code, codeVerifier: "", redirectUri: setup.appRedirectUri, nonce });
    expect(errorOf(missing).extensions.code).toBe("BAD_USER_INPUT");
  });

  it("refuses a nonce that is not the id token's", async () => {
    const user = await enrolledAccount();
    const { code, codeVerifier } = await appSignIn(user.sub);
    const response = await execute(setup.gw.url, ExchangeAuthorizationCodeDocument, { code, codeVerifier, redirectUri: setup.appRedirectUri, nonce: "another-nonce" });
    expect(errorOf(response).extensions).toMatchObject({ code: "SESSION_EXPIRED", reason: "ID_TOKEN_INVALID" });
  });

  it("refuses an unlisted redirect URI before asking the pool (the code stays unused)", async () => {
    const user = await enrolledAccount();
    const { code, codeVerifier, nonce } = await appSignIn(user.sub, setup.oauth.callbackUrl);
    for (const redirectUri of [setup.oauth.callbackUrl!, `${setup.appRedirectUri}/`, "https://evil.example/callback"]) {
      const refused = await execute(setup.gw.url, ExchangeAuthorizationCodeDocument, { code, codeVerifier, redirectUri, nonce });
      expect(errorOf(refused).extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: [{ field: "redirectUri", rules: ["allowList"] }] });
    }
    expect(JSON.stringify(setup.gw.audit.records)).not.toContain(code);
  });

  it("refuses an account without TOTP", async () => {
    const sub = await subOf(await registerConfirmed(setup.gw));
    const { code, codeVerifier, nonce } = await appSignIn(sub);
    const refused = await execute(setup.gw.url, ExchangeAuthorizationCodeDocument, { code, codeVerifier, redirectUri: setup.appRedirectUri, nonce });
    expect(errorOf(refused).extensions).toMatchObject({ code: "FORBIDDEN", reason: "MFA_NOT_ENROLLED" });
  });
});

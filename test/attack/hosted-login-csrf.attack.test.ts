import { MeDocument } from "../generated/graphql";
import { execute } from "../support/graphql-client";
import { beginBrowserLogin, finishBrowserLogin, signInAtPool, startHostedLogin, subOf, type HostedLoginSetup } from "../support/hosted-login";
import { enrolledUser } from "../support/users";

/**
 * Issue 22 row 3: login CSRF. The attacker begins a hosted login in their own browser, signs in at the
 * pool as themselves, and does not follow the redirect back: they send that /auth/callback URL to a
 * victim. Opened in the victim's browser, it must not sign the victim into the attacker's account.
 */
let setup: HostedLoginSetup;
beforeAll(async () => {
  setup = await startHostedLogin();
});
afterAll(() => setup?.close());

const attackerCallback = async () => {
  const attacker = await enrolledUser(setup.gw);
  const { authorize, cookie } = await beginBrowserLogin(setup.origin);
  return { back: await signInAtPool(authorize.href, await subOf(attacker.email)), attackerCookie: cookie };
};

const errorBody = async (response: Response) => ((await response.json()) as { error: { code: string; reason?: string } }).error;

const expectRefused = async (response: Response) => {
  expect(response.status).toBe(400);
  expect(response.headers.get("location")).toBeNull();
  expect(await errorBody(response)).toMatchObject({ code: "SESSION_EXPIRED", reason: "STATE_INVALID" });
  // No session cookie is set (only the login cookie is cleared).
  for (const line of response.headers.getSetCookie()) expect(line).toMatch(/Max-Age=0/);
};

describe("ATTACK: hosted-login CSRF (an attacker's callback URL opened in a victim's browser)", () => {
  it("a victim's browser with no login cookie is refused: STATE_INVALID, no session", async () => {
    const { back } = await attackerCallback();
    await expectRefused(await finishBrowserLogin(setup.origin, back, ""));
  });

  it("a victim's browser that began a login of its own is refused too (its cookie is not bound to the attacker's state)", async () => {
    const { back } = await attackerCallback();
    const victim = await beginBrowserLogin(setup.origin);
    expect(victim.cookie).not.toBe("");
    await expectRefused(await finishBrowserLogin(setup.origin, back, victim.cookie));
  });

  it("a forged or empty login cookie is refused", async () => {
    const { back, attackerCookie } = await attackerCallback();
    const name = attackerCookie.split("=")[0]!;
    for (const forged of [`${name}=`, `${name}=${"A".repeat(43)}`, `${name}=x; ${name}=y`]) {
      await expectRefused(await finishBrowserLogin(setup.origin, back, forged));
    }
  });

  it("the browser that began the login finishes it; the login cookie is short-lived, HttpOnly, Secure, and cleared on the callback", async () => {
    const owner = await enrolledUser(setup.gw);
    const begun = await beginBrowserLogin(setup.origin);
    const [line] = begun.response.headers.getSetCookie();
    expect(line).toMatch(/^authgw-login=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=300; HttpOnly; Secure; SameSite=Lax$/);
    const back = await signInAtPool(begun.authorize.href, await subOf(owner.email));
    const done = await finishBrowserLogin(setup.origin, back, begun.cookie);
    expect(done.status).toBe(302);
    const set = done.headers.getSetCookie();
    expect(set).toContainEqual(expect.stringMatching(/^authgw-login=; Path=\/; Max-Age=0; HttpOnly; Secure; SameSite=Lax$/));
    const session = set.find((c) => c.startsWith("authgw-session="))!.split(";")[0]!;
    const me = await execute(setup.gw.url, MeDocument, {}, { headers: { cookie: session } });
    expect(me.data?.me.email).toBe(owner.email);
    // The same callback replayed with the same cookie: the state was used once.
    await expectRefused(await finishBrowserLogin(setup.origin, back, begun.cookie));
  });
});

import { loadConfig } from "../../src/config";
import { beginBrowserLogin, cookiesSetBy, finishBrowserLogin, signInAtPool, startHostedLogin, subOf, type HostedLoginSetup } from "../support/hosted-login";
import { enrolledUser } from "../support/users";

/**
 * Issue 22 row 4: behind a proxy (TRUST_PROXY_HOPS=1) the hosted-login routes must see the client's
 * address, as GraphQL does: one throttle bucket per client, and the client's address in the audit trail.
 */
let setup: HostedLoginSetup;
beforeAll(async () => {
  setup = await startHostedLogin({ settings: { trustProxyHops: 1, policy: { ...loadConfig({}).policy, rateLimitIpPerMinute: 3, rateLimitAccountPerMinute: 0, rateLimitUserPerMinute: 0 } } });
});
afterAll(() => setup?.close());

/** What the trusted proxy appends: the client's address (anything further left is the client's own claim). */
const via = (client: string, claimed?: string) => ({ "x-forwarded-for": claimed ? `${claimed}, ${client}` : client });

/** Accounts are made through GraphQL from addresses of their own, so the test's limit of 3 is not spent on them. */
let setupAddress = 0;
const viaOwnAddress: Pick<HostedLoginSetup["gw"], "run"> = {
  run: (document, variables, options) => setup.gw.run(document, variables, { ...options, headers: { ...options?.headers, ...via(`192.0.2.${++setupAddress % 250}`) } }),
};

const signedIn = async (client: string) => {
  const user = await enrolledUser(viaOwnAddress);
  const begun = await beginBrowserLogin(setup.origin, { headers: via(client) });
  const back = await signInAtPool(begun.authorize.href, await subOf(user.email));
  const done = await finishBrowserLogin(setup.origin, back, begun.cookie, via(client));
  return { done, session: cookiesSetBy(done) };
};

describe("ATTACK: hosted-login routes behind a trusted proxy", () => {
  it("/auth/login: five browsers behind one proxy each have their own bucket; one browser still meets the limit", async () => {
    const clients = ["198.51.100.11", "198.51.100.12", "198.51.100.13", "198.51.100.14", "198.51.100.15"];
    const statuses = await Promise.all(clients.map(async (client) => (await beginBrowserLogin(setup.origin, { headers: via(client) })).response.status));
    expect(statuses).toEqual([302, 302, 302, 302, 302]);
    const one = "198.51.100.20";
    for (let i = 0; i < 3; i++) expect((await beginBrowserLogin(setup.origin, { headers: via(one) })).response.status).toBe(302);
    expect((await beginBrowserLogin(setup.origin, { headers: via(one) })).response.status).toBe(429);
    // A left-hand entry the client wrote itself does not buy a fresh bucket.
    expect((await beginBrowserLogin(setup.origin, { headers: via(one, "203.0.113.99") })).response.status).toBe(429);
  });

  it("/auth/callback: throttled per client, and the login's audit record carries the client's address", async () => {
    const client = "198.51.100.31";
    const mark = setup.gw.audit.records.length;
    const { done } = await signedIn(client);
    expect(done.status).toBe(302);
    const login = setup.gw.audit.records.slice(mark).filter((r) => r.event === "OAUTH_LOGIN");
    expect(login.length).toBeGreaterThan(0);
    for (const record of login) expect(record.ip).toBe(client);
    // Its bucket (one login + one callback used) has one left; a different client's does not count.
    for (let i = 0; i < 3; i++) expect((await finishBrowserLogin(setup.origin, new URL("http://x/?code=x&state=y"), "", via("198.51.100.32"))).status).toBe(400);
    expect((await finishBrowserLogin(setup.origin, new URL("http://x/?code=x&state=y"), "", via(client))).status).toBe(400);
    expect((await finishBrowserLogin(setup.origin, new URL("http://x/?code=x&state=y"), "", via(client))).status).toBe(429);
  });

  it("/auth/logout: the audit record carries the client's address", async () => {
    const client = "198.51.100.41";
    const { session } = await signedIn(client);
    const mark = setup.gw.audit.records.length;
    const response = await fetch(`${setup.origin}/auth/logout`, { method: "POST", redirect: "manual", headers: { cookie: session, origin: setup.origin, ...via(client) } });
    expect(response.status).toBe(303);
    const logout = setup.gw.audit.records.slice(mark).filter((r) => r.event === "LOGOUT");
    expect(logout.length).toBeGreaterThan(0);
    for (const record of logout) expect(record.ip).toBe(client);
  });
});

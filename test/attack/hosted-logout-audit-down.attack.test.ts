import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MeDocument, SessionsDocument } from "../generated/graphql";
import { dataOf, execute } from "../support/graphql-client";
import { FailingSink } from "../support/failing-sink";
import { beginBrowserLogin, cookiesSetBy, finishBrowserLogin, signInAtPool, startHostedLogin, subOf, type HostedLoginSetup } from "../support/hosted-login";
import { waitFor } from "../support/gateway-process";
import { enrolledUser } from "../support/users";

/**
 * Issue 22 row 11 made ending a session never wait on the audit sink (logout, logoutEverywhere, disable: their
 * records go to the local spool), and every state change is audited before it takes effect. The bearer
 * `logout` does both. The browser's sign-out, POST /auth/logout of hosted login, is the other way a patient
 * ends a session: with the audit sink refusing writes, does it still end the session at once, and does the
 * trail get its record?
 */
const sink = new FailingSink();
let setup: HostedLoginSetup;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hosted-logout-spool-"));
  setup = await startHostedLogin({ auditSink: sink, settings: { auditSpoolFile: join(dir, "audit-spool.jsonl") } });
});
afterAll(async () => {
  await setup?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  sink.failWhen = () => false;
});

const browserSession = async (email: string): Promise<string> => {
  const begun = await beginBrowserLogin(setup.origin);
  const done = await finishBrowserLogin(setup.origin, await signInAtPool(begun.authorize.href, await subOf(email)), begun.cookie);
  expect(done.status).toBe(302);
  return cookiesSetBy(done).split("; ").find((c) => c.startsWith("authgw-session="))!;
};

const signOut = (cookie: string) => fetch(`${setup.origin}/auth/logout`, { method: "POST", redirect: "manual", headers: { cookie, origin: setup.origin } });

describe("ATTACK: the browser's sign-out while the audit sink refuses writes", () => {
  it("still signs out (303, like the bearer logout), the session is gone from the account's list, and the trail gets LOGOUT", async () => {
    const owner = await enrolledUser(setup.gw);
    const cookie = await browserSession(owner.email);
    expect((await execute(setup.gw.url, MeDocument, {}, { headers: { cookie } })).data?.me.email).toBe(owner.email);
    const sub = await subOf(owner.email);
    expect(dataOf(await setup.gw.run(SessionsDocument, {}, { token: owner.accessToken })).sessions).toHaveLength(2);

    sink.failWhen = () => true;
    const response = await signOut(cookie);
    sink.failWhen = () => false;

    const observed = {
      status: response.status,
      sessionsLeft: dataOf(await setup.gw.run(SessionsDocument, {}, { token: owner.accessToken })).sessions.length,
    };
    expect(observed).toEqual({ status: 303, sessionsLeft: 1 });
    // Its record waited in the local spool (like the bearer logout's) and reaches the trail once the sink takes writes.
    await waitFor(() => sink.records.some((r) => r.event === "LOGOUT" && r.outcome === "SUCCESS" && r.subject === sub), "the spooled LOGOUT reaches the trail");
  });

  it("never ends anything it did not audit: a refused sign-out leaves the cookie working", async () => {
    const owner = await enrolledUser(setup.gw);
    const cookie = await browserSession(owner.email);
    sink.failWhen = () => true;
    const response = await signOut(cookie);
    sink.failWhen = () => false;
    if (response.status === 303) return; // signed out, and the first test says whether it was recorded
    // Refused (503): then nothing may have changed, or the trail is missing an effect.
    expect((await execute(setup.gw.url, MeDocument, {}, { headers: { cookie } })).data?.me.email).toBe(owner.email);
  });
});

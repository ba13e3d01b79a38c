import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MeDocument } from "../generated/graphql";
import { execute } from "../support/graphql-client";
import { ShiftedClock } from "../support/emergency-rig";
import { FailingSink } from "../support/failing-sink";
import { beginBrowserLogin, cookiesSetBy, finishBrowserLogin, signInAtPool, startHostedLogin, subOf, type HostedLoginSetup } from "../support/hosted-login";
import { enrolledUser } from "../support/users";

/**
 * Automatic logoff is a HIPAA control, and its record is what shows it worked. For a bearer token the idle
 * logoff is audited first, then the session ends (build-context.ts); a sink that refuses the record leaves
 * the (idle, refused) session for the next request to end and record. The hosted-login cookie's idle logoff
 * (on its refresh, cookie-session.ts) ends the session and deletes the cookie's record first, then writes
 * IDLE_TIMEOUT: with the sink refusing, is the logoff in the trail once the sink is back?
 */
const sink = new FailingSink();
const clock = new ShiftedClock();
let setup: HostedLoginSetup;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hosted-idle-spool-"));
  setup = await startHostedLogin({ clock, auditSink: sink, settings: { auditSpoolFile: join(dir, "audit-spool.jsonl") } });
});
afterAll(async () => {
  await setup?.close();
  rmSync(dir, { recursive: true, force: true });
});

const browserSession = async () => {
  const owner = await enrolledUser(setup.gw);
  const sub = await subOf(owner.email);
  const begun = await beginBrowserLogin(setup.origin);
  const done = await finishBrowserLogin(setup.origin, await signInAtPool(begun.authorize.href, sub), begun.cookie);
  const cookie = cookiesSetBy(done).split("; ").find((c) => c.startsWith("authgw-session="))!;
  expect((await execute(setup.gw.url, MeDocument, {}, { headers: { cookie } })).data?.me.email).toBe(owner.email);
  return { sub, cookie };
};
const idleRecords = (sub: string) => sink.records.filter((r) => r.event === "IDLE_TIMEOUT" && r.subject === sub).map((r) => r.outcome);

describe("ATTACK: the browser session's idle logoff while the audit sink refuses writes", () => {
  it("control: with the sink up, the idle cookie is logged off and recorded", async () => {
    const { sub, cookie } = await browserSession();
    clock.advanceSeconds(16 * 60);
    expect((await execute(setup.gw.url, MeDocument, {}, { headers: { cookie } })).data?.me ?? null).toBeNull();
    expect(idleRecords(sub)).toContain("SUCCESS");
  });

  it("is in the trail once the sink is back", async () => {
    const { sub, cookie } = await browserSession();

    clock.advanceSeconds(16 * 60); // past IDLE_TIMEOUT_SECONDS (900) and the cookie's access token
    sink.failWhen = () => true;
    const whileDown = await execute(setup.gw.url, MeDocument, {}, { headers: { cookie } });
    sink.failWhen = () => false;
    const afterwards = await execute(setup.gw.url, MeDocument, {}, { headers: { cookie } });

    expect(whileDown.data?.me ?? null).toBeNull();
    expect(afterwards.data?.me ?? null).toBeNull();
    expect(idleRecords(sub)).toContain("SUCCESS");
  });
});

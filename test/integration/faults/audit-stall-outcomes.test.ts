import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditRecord } from "../../../src/audit/audit-event";
import { ChangePasswordDocument, LoginDocument, MeDocument, RespondToMfaDocument, SessionsDocument, UpdateProfileDocument } from "../../generated/graphql";
import { StallingSink } from "../../support/audit-fault-sinks";
import { waitFor } from "../../support/gateway-process";
import { dataOf, errorOf } from "../../support/graphql-client";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD } from "../../support/users";

const outcomeOf = (event: string) => (r: AuditRecord) => r.event === event && r.outcome !== "INTENT";

/**
 * Issue 28 row 5: the sink stalls between an operation's INTENT and its outcome. The answer never
 * contradicts what happened: the outcome goes to the local spool, the client is told the effect happened,
 * and the trail says SUCCESS once the sink is back. Row 7: a refusal answers 401 whatever the sink does.
 */
describe("the audit sink stalls between intent and outcome", () => {
  let dir: string;
  let gw: TestGateway;
  const sink = new StallingSink(300);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "stall-outcomes-"));
    gw = await startTestGateway({ auditSink: sink, settings: { auditSpoolFile: join(dir, "audit-spool.jsonl") } });
  });
  afterEach(() => {
    sink.stallWhen = () => false;
    sink.refuseAll = false;
  });
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const shipped = (event: string) => waitFor(() => sink.records.some(outcomeOf(event)), `the ${event} outcome reaches the trail`);

  it("changePassword: the password changed, the client is told so, and the trail says SUCCESS", async () => {
    const user = await enrolledUser(gw);
    sink.stallWhen = outcomeOf("PASSWORD_CHANGE");
    const answer = await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: "Changed-Passphrase-99", code: await freshCode(user.secret) }, { token: user.accessToken });
    expect(dataOf(answer).changePassword).toBe(true);
    sink.stallWhen = () => false;
    expect(errorOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).extensions.code).toBe("INVALID_CREDENTIALS");
    await shipped("PASSWORD_CHANGE");
    expect(sink.records.filter(outcomeOf("PASSWORD_CHANGE")).map((r) => r.outcome)).toEqual(["SUCCESS"]);
  });

  it("respondToMfa: the session opened is handed out and works, and the trail says SUCCESS", async () => {
    const user = await enrolledUser(gw);
    const session = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge!.session;
    sink.stallWhen = outcomeOf("MFA_CHALLENGE");
    const tokens = dataOf(await gw.run(RespondToMfaDocument, { session, code: await freshCode(user.secret) })).respondToMfa.tokens!;
    sink.stallWhen = () => false;
    expect(dataOf(await gw.run(SessionsDocument, {}, { token: tokens.accessToken })).sessions).toHaveLength(2);
    await shipped("MFA_CHALLENGE");
    expect(sink.records.filter((r) => outcomeOf("MFA_CHALLENGE")(r) && r.subject !== undefined).at(-1)).toMatchObject({ outcome: "SUCCESS" });
  });

  it("updateProfile: answered as done, recorded as done", async () => {
    const user = await enrolledUser(gw);
    sink.stallWhen = outcomeOf("PROFILE_UPDATE");
    expect(dataOf(await gw.run(UpdateProfileDocument, { input: { givenName: "Ada" } }, { token: user.accessToken })).updateProfile).toBeTruthy();
    sink.stallWhen = () => false;
    await shipped("PROFILE_UPDATE");
    expect(sink.records.filter(outcomeOf("PROFILE_UPDATE")).map((r) => r.outcome)).toEqual(["SUCCESS"]);
  });

  it("a garbage token gets 401 while the sink refuses every write, and its refusal is summarised when the sink is back", async () => {
    sink.refuseAll = true;
    for (let i = 0; i < 3; i += 1) {
      const refused = await gw.run(MeDocument, {}, { token: `garbage-${i}` });
      expect([refused.status, errorOf(refused).extensions.code]).toEqual([401, "UNAUTHENTICATED"]);
    }
    await expect(gw.refusals.flush()).rejects.toBeDefined();
    sink.refuseAll = false;
    await gw.refusals.flush();
    expect(sink.records.filter((r) => r.event === "TOKEN_REJECTED" && r.reason?.endsWith(":REPEATED")).at(-1)).toMatchObject({ count: 3 });
  });
});

import { createHmac, timingSafeEqual } from "node:crypto";
import * as ops from "../generated/graphql";
import { dataOf, errorOf } from "../support/graphql-client";
import { startEmergencyRig, webhookSecret, type Member, type Received } from "../support/emergency-rig";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { adminStepUp, codesUsed, freshCode, loginWithMfa, totp } from "../support/users";

/** Emergency ("break-glass") access through gateway mode, the example patients subgraph and a real webhook. */
describe("emergency access", () => {
  let rig: Awaited<ReturnType<typeof startEmergencyRig>>;
  let patient: Member;
  let admin: Member;
  beforeAll(async () => {
    rig = await startEmergencyRig();
    patient = await rig.member("patient");
    admin = await rig.member("admin");
    // The patient's record exists once they looked at it.
    dataOf(await rig.gw.run("{ myRecord { owner } }", {}, { token: patient.accessToken }));
  }, 60_000);
  afterAll(async () => rig?.close());

  const reason = "Patient unconscious in ER, attending physician unreachable";
  const recordOf = (provider: Member, patientSub: string) => rig.gw.run<{ patient: { owner: string; note: string } }, object>(`query ($id: ID!) { patient(id: $id) { owner note } }`, { id: patientSub }, { token: provider.accessToken });
  const request = async (provider: Member, input: Partial<ops.EmergencyAccessInput> = {}, code?: string) =>
    rig.gw.run(ops.RequestEmergencyAccessDocument, { input: { reason, patientRef: patient.sub, ...input }, code: code ?? (await freshCode(provider.secret)) }, { token: provider.accessToken });
  const grantOf = async (provider: Member, input: Partial<ops.EmergencyAccessInput> = {}) => dataOf(await request(provider, input)).requestEmergencyAccess;
  const eventsOf = (grantId: string) => rig.gw.audit.records.filter((r) => r.grantId === grantId).map((r) => `${r.event}:${r.outcome}`);

  /** Checks the receiver's copy the way an organisation's receiver would: HMAC over `t.body` with the shared secret. */
  const verifies = (delivery: Received): boolean => {
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(delivery.headers["x-gateway-signature"]));
    if (!match) return false;
    const expected = createHmac("sha256", webhookSecret).update(`${match[1]}.${delivery.body}`).digest();
    return timingSafeEqual(expected, Buffer.from(match[2] ?? "", "hex"));
  };

  it("a provider without a grant is FORBIDDEN for an unassigned patient, and sees an assigned one", async () => {
    const provider = await rig.member("provider");
    expect(errorOf(await recordOf(provider, patient.sub)).extensions.code).toBe("FORBIDDEN");
    rig.patients.assign(provider.sub, patient.sub);
    expect(dataOf(await recordOf(provider, patient.sub)).patient.owner).toBe(patient.sub);
  });

  it("with a grant (fresh code) reads the record; the webhook got a verifiable alert; every use is audited with the grant id", async () => {
    const provider = await rig.member("provider");
    const other = await rig.member("patient");
    const grant = await grantOf(provider);
    expect(grant).toMatchObject({ status: "ACTIVE", patientRef: patient.sub, scope: "READ", userId: provider.sub });
    expect(Date.parse(grant.expireTime) - Date.parse(grant.grantTime)).toBe(30 * 60_000);
    // The deprecated strings answer the same instants until 2.0.
    expect([grant.grantedAt, grant.expiresAt]).toEqual([grant.grantTime, grant.expireTime]);

    rig.seen.length = 0;
    expect(dataOf(await recordOf(provider, patient.sub)).patient.owner).toBe(patient.sub);
    // The subgraph saw the claim in the assertion.
    const payload = JSON.parse(Buffer.from(String(rig.seen.at(-1)?.["x-identity-assertion"]).split(".")[1] ?? "", "base64url").toString()) as { emergency: unknown };
    expect(payload.emergency).toMatchObject({ gid: grant.id, scope: "READ", pat: patient.sub });
    // Outside the grant's scope: another patient.
    expect(errorOf(await recordOf(provider, other.sub)).extensions.code).toBe("FORBIDDEN");

    await rig.gw.emergencyAlerts.settled();
    const alert = rig.webhook.received.find((d) => (JSON.parse(d.body) as { grantId: string }).grantId === grant.id);
    expect(alert).toBeDefined();
    expect(verifies(alert!)).toBe(true);
    expect(verifies({ ...alert!, body: alert!.body.replace(provider.sub, "someone-else") })).toBe(false);
    expect(JSON.parse(alert!.body)).toMatchObject({ type: "EMERGENCY_ACCESS_GRANTED", subject: provider.sub, patientScoped: true });
    // No reason text (nor patient reference) in alerts, logs or metrics.
    const metrics = await (await fetch(rig.gw.url.replace("/graphql", "/metrics"))).text();
    expect(metrics).toMatch(/gateway_emergency_access_events_total\{event="granted"\} [1-9]/);
    expect(rig.logLines.some((l) => l.includes(grant.id) && l.includes("EMERGENCY_ACCESS_GRANTED"))).toBe(true);
    for (const text of [alert!.body, rig.logLines.join("\n"), metrics, JSON.stringify(rig.gw.audit.records)]) expect(text).not.toContain("unconscious");
    expect(alert!.body).not.toContain(patient.sub);

    expect(eventsOf(grant.id)).toEqual(expect.arrayContaining(["EMERGENCY_ACCESS_REQUEST:INTENT", "EMERGENCY_ACCESS_REQUEST:SUCCESS", "EMERGENCY_ACCESS_USED:INTENT", "EMERGENCY_ACCESS_USED:SUCCESS"]));
    expect(rig.gw.audit.records.find((r) => r.event === "EMERGENCY_ACCESS_USED" && r.grantId === grant.id)).toMatchObject({ subject: provider.sub, target: "patients" });
  });

  it("a wrong or replayed code opens nothing", async () => {
    const provider = await rig.member("provider");
    const wrong = totp(provider.secret, 5);
    expect(errorOf(await request(provider, {}, wrong)).extensions.code).toBe("CODE_MISMATCH");
    // The code this provider's login just used is a replay.
    const login = codesUsed(provider.secret).at(-1)!;
    expect(errorOf(await request(provider, {}, login)).extensions.code).toBe("CODE_MISMATCH");
    expect(errorOf(await recordOf(provider, patient.sub)).extensions.code).toBe("FORBIDDEN");
    const granted = await grantOf(provider);
    expect(errorOf(await request(provider, {}, codesUsed(provider.secret).at(-1))).extensions.code).toBe("CODE_MISMATCH");
    expect(eventsOf(granted.id)).toContain("EMERGENCY_ACCESS_REQUEST:SUCCESS");
  });

  it("a passkey instead of the code: the caller's own, answering this session's single-use challenge", async () => {
    const provider = await rig.member("provider");
    const as = { token: provider.accessToken };
    const withPasskey = (passkey: string, code?: string) => rig.gw.run(ops.RequestEmergencyAccessWithPasskeyDocument, { input: { reason, patientRef: patient.sub }, passkey, code }, as);
    expect(errorOf(await rig.gw.run(ops.BeginPasskeyStepUpDocument, {}, as)).extensions).toMatchObject({ code: "FORBIDDEN", reason: "NO_PASSKEY" });
    const enrol = async (member: Member) => {
      const key = new SoftAuthenticator({ origin: "http://localhost:4000" });
      const creation = dataOf(await rig.gw.run(ops.BeginPasskeyRegistrationDocument, { code: await freshCode(member.secret) }, { token: member.accessToken })).beginPasskeyRegistration;
      dataOf(await rig.gw.run(ops.CompletePasskeyRegistrationDocument, { response: key.register(creation), nickname: "Badge" }, { token: member.accessToken }));
      return key;
    };
    const key = await enrol(provider);
    // No challenge begun in this session: nothing to answer.
    expect(errorOf(await withPasskey(key.assert({ challenge: "bm90LWJlZ3Vu" }))).extensions.code).toBe("SESSION_EXPIRED");

    const options = dataOf(await rig.gw.run(ops.BeginPasskeyStepUpDocument, {}, as)).beginPasskeyStepUp;
    expect(JSON.parse(options).allowCredentials).toEqual([expect.objectContaining({ id: key.id })]);
    const answer = key.assert(options);
    expect(errorOf(await withPasskey(answer, "123456")).extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "ONE_SECOND_FACTOR" });
    expect(errorOf(await rig.gw.run(ops.RequestEmergencyAccessWithPasskeyDocument, { input: { reason } }, as)).extensions).toMatchObject({ code: "FORBIDDEN", reason: "STEP_UP_REQUIRED" });
    const grant = dataOf(await withPasskey(answer)).requestEmergencyAccess;
    expect(grant).toMatchObject({ status: "ACTIVE", userId: provider.sub });
    expect(dataOf(await recordOf(provider, patient.sub)).patient.owner).toBe(patient.sub);
    // Replayed: the challenge was taken by the first answer.
    expect(errorOf(await withPasskey(answer)).extensions.code).toBe("SESSION_EXPIRED");

    // Another provider's passkey cannot answer this session's challenge; the refusal is audited.
    const colleague = await rig.member("provider");
    const theirs = await enrol(colleague);
    const again = dataOf(await rig.gw.run(ops.BeginPasskeyStepUpDocument, {}, as)).beginPasskeyStepUp;
    expect(errorOf(await withPasskey(theirs.assert(again))).extensions.code).toBe("INVALID_CREDENTIALS");
    expect(rig.gw.audit.records.some((r) => r.event === "PASSKEY_REFUSED" && r.reason === "OTHER_ACCOUNT" && r.subject === provider.sub)).toBe(true);
    // A cloned authenticator (counter going backwards) is refused too.
    const third = dataOf(await rig.gw.run(ops.BeginPasskeyStepUpDocument, {}, as)).beginPasskeyStepUp;
    expect(errorOf(await withPasskey(key.assert(third, { counter: 0 }))).extensions.code).toBe("INVALID_CREDENTIALS");
    expect(eventsOf(grant.id)).toEqual(expect.arrayContaining(["EMERGENCY_ACCESS_REQUEST:INTENT", "EMERGENCY_ACCESS_REQUEST:SUCCESS"]));
  });

  it("a non-provider, a short reason and a too long grant are refused", async () => {
    const nurse = await rig.member("patient");
    expect(errorOf(await request(nurse)).extensions.code).toBe("FORBIDDEN");
    expect(errorOf(await rig.gw.run(ops.RequestEmergencyAccessDocument, { input: { reason: "x" }, code: "123456" }, { token: admin.accessToken })).extensions.code).toBe("FORBIDDEN");
    expect(errorOf(await rig.gw.run(ops.RequestEmergencyAccessDocument, { input: { reason }, code: "123456" })).extensions.code).toBe("UNAUTHENTICATED");
    const provider = await rig.member("provider");
    expect(errorOf(await rig.gw.run(ops.RequestEmergencyAccessDocument, { input: { reason: "too short" }, code: "123456" }, { token: provider.accessToken })).extensions.code).toBe("BAD_USER_INPUT");
    expect(errorOf(await rig.gw.run(ops.RequestEmergencyAccessDocument, { input: { reason, minutes: 45 }, code: "123456" }, { token: provider.accessToken })).extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "DURATION_TOO_LONG" });
  });

  it("a grant ends with the session: after logout a new login has none; after a lock and unlock it is gone too", async () => {
    const provider = await rig.member("provider");
    const grant = await grantOf(provider);
    dataOf(await rig.gw.run(ops.LogoutDocument, { refreshToken: provider.refreshToken }, { token: provider.accessToken }));
    expect(errorOf(await recordOf(provider, patient.sub)).extensions.code).not.toBe(undefined);
    const again = (await loginWithMfa(rig.gw, provider)).tokens!;
    expect(errorOf(await recordOf({ ...provider, accessToken: again.accessToken }, patient.sub)).extensions.code).toBe("FORBIDDEN");
    const listed = dataOf(await rig.gw.run(ops.EmergencyAccessesDocument, { filter: { userId: provider.sub } }, { token: admin.accessToken })).emergencyAccesses.nodes;
    expect(listed.find((g) => g.id === grant.id)?.status).toBe("SESSION_ENDED");

    const locked = await rig.member("provider");
    await grantOf(locked);
    expect(dataOf(await recordOf(locked, patient.sub)).patient.owner).toBe(patient.sub);
    for (let i = 0; i < 5; i++) await rig.gw.run(ops.LoginDocument, { email: locked.email, password: "Wrong-Passw0rd-!!" });
    expect(errorOf(await recordOf(locked, patient.sub)).extensions).toMatchObject({ code: "FORBIDDEN", reason: "ACCOUNT_LOCKED" });
    dataOf(await rig.gw.run(ops.AdminUnlockUserDocument, { userId: locked.sub, ...(await adminStepUp(admin)) }, { token: admin.accessToken }));
    // The same, still valid session: not locked any more, but the grant died with the security epoch.
    expect(errorOf(await recordOf(locked, patient.sub)).extensions).toEqual({ code: "FORBIDDEN" });
  });

  it("endEmergencyAccess ends a grant early; someone else's is NOT_FOUND", async () => {
    const provider = await rig.member("provider");
    const stranger = await rig.member("provider");
    const grant = await grantOf(provider);
    expect(errorOf(await rig.gw.run(ops.EndEmergencyAccessDocument, { id: grant.id }, { token: stranger.accessToken })).extensions.code).toBe("NOT_FOUND");
    expect(dataOf(await rig.gw.run(ops.EndEmergencyAccessDocument, { id: grant.id }, { token: provider.accessToken })).endEmergencyAccess).toMatchObject({ status: "ENDED", endReason: "ENDED_BY_USER", endCause: "ENDED_BY_USER", endTime: expect.stringMatching(/\.\d{3}Z$/) });
    expect(errorOf(await recordOf(provider, patient.sub)).extensions.code).toBe("FORBIDDEN");
    expect(eventsOf(grant.id)).toEqual(expect.arrayContaining(["EMERGENCY_ACCESS_END:INTENT", "EMERGENCY_ACCESS_END:SUCCESS", "EMERGENCY_ACCESS_END:FAILURE"]));
  });

  it("review: admins list grants and record a verdict once, never on their own grant; UNJUSTIFIED ends a running grant", async () => {
    await grantOf(await rig.member("provider"));
    const provider = await rig.member("provider");
    const grant = await grantOf(provider, { patientRef: null });
    expect(errorOf(await rig.gw.run(ops.EmergencyAccessesDocument, {}, { token: provider.accessToken })).extensions.code).toBe("FORBIDDEN");
    expect(errorOf(await rig.gw.run(ops.ReviewEmergencyAccessDocument, { id: grant.id, verdict: "JUSTIFIED", note: "ok" }, { token: provider.accessToken })).extensions.code).toBe("FORBIDDEN");

    // Newest first: this grant, then at least the one above.
    const page = dataOf(await rig.gw.run(ops.EmergencyAccessesDocument, { filter: { unreviewed: true, status: "ACTIVE" }, first: 1 }, { token: admin.accessToken })).emergencyAccesses;
    expect(page.nodes).toHaveLength(1);
    expect(page.nodes[0]).toMatchObject({ id: grant.id, reason, patientRef: null });
    // A null patientRef is every patient: the trail and the alert say so (not "one patient").
    expect(rig.gw.audit.records.find((r) => r.event === "EMERGENCY_ACCESS_REQUEST" && r.grantId === grant.id)).toMatchObject({ target: "ALL_PATIENTS" });
    await rig.gw.emergencyAlerts.settled();
    const alerted = rig.webhook.received.map((d) => JSON.parse(d.body) as { grantId: string; patientScoped: boolean }).find((b) => b.grantId === grant.id);
    expect(alerted).toMatchObject({ patientScoped: false });
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = dataOf(await rig.gw.run(ops.EmergencyAccessesDocument, { filter: { unreviewed: true }, first: 60, after: page.pageInfo.endCursor }, { token: admin.accessToken })).emergencyAccesses;
    expect(next.nodes.map((g) => g.id)).not.toContain(grant.id);

    const reviewed = dataOf(await rig.gw.run(ops.ReviewEmergencyAccessDocument, { id: grant.id, verdict: "UNJUSTIFIED", note: "No emergency on record" }, { token: admin.accessToken })).reviewEmergencyAccess;
    expect(reviewed).toMatchObject({ verdict: "UNJUSTIFIED", reviewedBy: admin.sub, status: "ENDED", endReason: "UNJUSTIFIED", endCause: "UNJUSTIFIED" });
    expect(reviewed.reviewTime).toBe(reviewed.reviewedAt);
    expect(errorOf(await recordOf(provider, patient.sub)).extensions.code).toBe("FORBIDDEN");
    expect(errorOf(await rig.gw.run(ops.ReviewEmergencyAccessDocument, { id: grant.id, verdict: "JUSTIFIED", note: "again" }, { token: admin.accessToken })).extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "ALREADY_REVIEWED" });
    expect(eventsOf(grant.id)).toEqual(expect.arrayContaining(["EMERGENCY_ACCESS_REVIEW:SUCCESS", "EMERGENCY_ACCESS_REVIEW:FAILURE"]));
    expect(JSON.stringify(rig.gw.audit.records)).not.toContain("No emergency on record");
  });

  it("an undeliverable alert is retried, then dead-lettered in the audit trail", async () => {
    const provider = await rig.member("provider");
    rig.webhook.answerWith(500);
    const before = rig.webhook.received.length;
    try {
      const grant = await grantOf(provider);
      await rig.gw.emergencyAlerts.settled();
      expect(rig.webhook.received.length - before).toBe(3);
      expect(rig.gw.audit.records.find((r) => r.event === "EMERGENCY_ALERT_DEAD_LETTER" && r.grantId === grant.id)).toMatchObject({ outcome: "FAILURE", reason: "HTTP_500", target: "EMERGENCY_ACCESS_GRANTED" });
    } finally {
      rig.webhook.answerWith(204);
    }
  });

  // Moves the clock: last.
  it("an expired grant is refused; grants unreviewed after EMERGENCY_REVIEW_HOURS raise one escalation alert", async () => {
    const provider = await rig.member("provider");
    const grant = await grantOf(provider);
    expect(dataOf(await recordOf(provider, patient.sub)).patient.owner).toBe(patient.sub);
    rig.clock.advanceSeconds(31 * 60);
    expect(errorOf(await recordOf(provider, patient.sub)).extensions.code).toBe("FORBIDDEN");
    const listed = dataOf(await rig.gw.run(ops.EmergencyAccessesDocument, { filter: { userId: provider.sub } }, { token: admin.accessToken })).emergencyAccesses.nodes;
    expect(listed[0]).toMatchObject({ id: grant.id, status: "EXPIRED" });

    expect(await rig.gw.services.emergency.reviews.sweep()).not.toContain(grant.id);
    rig.clock.advanceSeconds(24 * 3600);
    const escalated = await rig.gw.services.emergency.reviews.sweep();
    expect(escalated).toContain(grant.id);
    expect(await rig.gw.services.emergency.reviews.sweep()).toEqual([]);
    await rig.gw.emergencyAlerts.settled();
    const alert = rig.webhook.received.map((d) => JSON.parse(d.body) as { type: string; grantId: string }).filter((b) => b.grantId === grant.id);
    expect(alert.map((a) => a.type)).toEqual(["EMERGENCY_ACCESS_GRANTED", "EMERGENCY_ACCESS_UNREVIEWED"]);
    expect(eventsOf(grant.id)).toContain("EMERGENCY_ACCESS_ESCALATION:SUCCESS");
    // A day later the administrator signs in again (the handle from yesterday is long gone).
    const today = (await loginWithMfa(rig.gw, admin)).tokens!.accessToken;
    const after = dataOf(await rig.gw.run(ops.EmergencyAccessesDocument, { filter: { userId: provider.sub } }, { token: today })).emergencyAccesses.nodes;
    expect(after[0]?.escalatedAt).not.toBeNull();
  });
});

import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { emergencyCovers, operationHash } from "@hipaa-auth-gateway/subgraph-auth";
import * as ops from "../generated/graphql";
import { dataOf, errorOf } from "../support/graphql-client";
import { startEmergencyRig, type Member } from "../support/emergency-rig";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { freshCode, loginWithMfa, PASSWORD, totp } from "../support/users";

/** Emergency access in gateway mode (rig: example patients subgraph + webhook). Each `it` asserts what SHOULD happen. */
describe("ATTACK: emergency access", () => {
  let rig: Awaited<ReturnType<typeof startEmergencyRig>>;
  let patient: Member;
  let otherPatient: Member;
  let admin: Member;
  beforeAll(async () => {
    rig = await startEmergencyRig();
    patient = await rig.member("patient");
    otherPatient = await rig.member("patient");
    admin = await rig.member("admin");
    dataOf(await rig.gw.run("{ myRecord { owner } }", {}, { token: patient.accessToken }));
    dataOf(await rig.gw.run("{ myRecord { owner } }", {}, { token: otherPatient.accessToken }));
  }, 90_000);
  afterAll(async () => rig?.close());

  const reason = "Patient collapsed in radiology, SECRET-REASON-MARKER-7731";
  const recordQuery = `query ($id: ID!) { patient(id: $id) { owner note } }`;
  const recordOf = (token: string, id = patient.sub) => rig.gw.run<{ patient: { owner: string } }, object>(recordQuery, { id }, { token });
  const grantOf = async (provider: Member, input: Partial<ops.EmergencyAccessInput> = {}) =>
    dataOf(await rig.gw.run(ops.RequestEmergencyAccessDocument, { input: { reason, patientRef: patient.sub, ...input }, code: await freshCode(provider.secret) }, { token: provider.accessToken })).requestEmergencyAccess;

  it("the grant holder can read the administrator's confidential review note and the reviewer's identity", async () => {
    // README: the review note is kept "for the reviewers"; emergencyAccesses (which shows it) is admin-only.
    const provider = await rig.member("provider");
    const grant = await grantOf(provider);
    dataOf(await rig.gw.run(ops.ReviewEmergencyAccessDocument, { id: grant.id, verdict: "UNJUSTIFIED", note: "Refer to sanctions board; see HR case 42" }, { token: admin.accessToken }));
    const seen = dataOf(await rig.gw.run(ops.EndEmergencyAccessDocument, { id: grant.id }, { token: provider.accessToken })).endEmergencyAccess;
    expect({ reviewNote: seen.reviewNote, reviewedBy: seen.reviewedBy }).toEqual({ reviewNote: null, reviewedBy: null });
  });

  it("two grant requests racing in one session: at most one grant stays ACTIVE (the other REPLACED)", async () => {
    const provider = await rig.member("provider");
    const codes = [await freshCode(provider.secret), await freshCode(provider.secret)];
    const results = await Promise.all(codes.map((code) => rig.gw.run(ops.RequestEmergencyAccessDocument, { input: { reason, patientRef: patient.sub }, code }, { token: provider.accessToken })));
    const granted = results.filter((r) => r.data?.requestEmergencyAccess).length;
    const listed = dataOf(await rig.gw.run(ops.EmergencyAccessesDocument, { filter: { userId: provider.sub } }, { token: admin.accessToken })).emergencyAccesses.nodes;
    expect({ granted, active: listed.filter((g) => g.status === "ACTIVE").length }).toEqual({ granted, active: 1 });
  });

  it("a password change in the grant's own session ends the grant", async () => {
    const provider = await rig.member("provider");
    await grantOf(provider);
    expect(dataOf(await recordOf(provider.accessToken)).patient.owner).toBe(patient.sub);
    dataOf(await rig.gw.run(ops.ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: "Another-Horse-Battery-77", code: await freshCode(provider.secret) }, { token: provider.accessToken }));
    expect(errorOf(await recordOf(provider.accessToken)).extensions.code).toBe("FORBIDDEN");
  });

  it("group removal, disable and logout-everywhere (from another session) end the grant", async () => {
    for (const end of ["group", "disable", "everywhere"] as const) {
      const provider = await rig.member("provider");
      await grantOf(provider);
      if (end === "group") dataOf(await rig.gw.run(ops.AdminRemoveUserFromGroupDocument, { userId: provider.sub, group: "PROVIDER" as ops.Group }, { token: admin.accessToken }));
      if (end === "disable") dataOf(await rig.gw.run(ops.AdminDisableUserDocument, { userId: provider.sub }, { token: admin.accessToken }));
      if (end === "everywhere") {
        const other = (await loginWithMfa(rig.gw, provider)).tokens!;
        dataOf(await rig.gw.run(ops.LogoutEverywhereDocument, {}, { token: other.accessToken }));
      }
      const after = await recordOf(provider.accessToken);
      expect(after.data?.patient ?? null).toBeNull();
    }
  });

  it("a grant is not visible from another session of the same provider, and survives a refresh of its own session", async () => {
    const provider = await rig.member("provider");
    await grantOf(provider);
    const other = (await loginWithMfa(rig.gw, provider)).tokens!;
    expect(errorOf(await recordOf(other.accessToken)).extensions.code).toBe("FORBIDDEN");
    const refreshed = dataOf(await rig.gw.run(ops.RefreshTokensDocument, { refreshToken: provider.refreshToken })).refreshTokens.tokens!;
    expect(dataOf(await recordOf(refreshed.accessToken)).patient.owner).toBe(patient.sub);
  });

  it("scope: a grant for one patient does not reach another; a READ grant is READ (helper)", async () => {
    const provider = await rig.member("provider");
    const grant = await grantOf(provider, { scope: "READ" as ops.EmergencyScope });
    expect(errorOf(await recordOf(provider.accessToken, otherPatient.sub)).extensions.code).toBe("FORBIDDEN");
    const claim = { grantId: grant.id, scope: "READ" as const, patientRef: patient.sub, expiresAt: Math.floor(Date.now() / 1000) + 600 };
    expect(emergencyCovers(claim, patient.sub, "READ_WRITE")).toBe(false);
  });

  it("a passkey step-up challenge of one session cannot be answered from another session", async () => {
    const provider = await rig.member("provider");
    const key = new SoftAuthenticator({ origin: "http://localhost:4000" });
    const creation = dataOf(await rig.gw.run(ops.BeginPasskeyRegistrationDocument, { code: await freshCode(provider.secret) }, { token: provider.accessToken })).beginPasskeyRegistration;
    dataOf(await rig.gw.run(ops.CompletePasskeyRegistrationDocument, { response: key.register(creation), nickname: "Badge" }, { token: provider.accessToken }));
    const other = (await loginWithMfa(rig.gw, provider)).tokens!;
    const options = dataOf(await rig.gw.run(ops.BeginPasskeyStepUpDocument, {}, { token: provider.accessToken })).beginPasskeyStepUp;
    const r = await rig.gw.run(ops.RequestEmergencyAccessWithPasskeyDocument, { input: { reason, patientRef: patient.sub }, passkey: key.assert(options) }, { token: other.accessToken });
    expect(errorOf(r).extensions.code).toBe("SESSION_EXPIRED");
  });

  it("one TOTP code, two sessions at once: one grant at most", async () => {
    const provider = await rig.member("provider");
    const other = (await loginWithMfa(rig.gw, provider)).tokens!;
    const code = await freshCode(provider.secret);
    const results = await Promise.all([provider.accessToken, other.accessToken].map((token) => rig.gw.run(ops.RequestEmergencyAccessDocument, { input: { reason, patientRef: patient.sub }, code }, { token })));
    expect(results.filter((r) => r.data?.requestEmergencyAccess).length).toBeLessThanOrEqual(1);
  });

  it("guessing TOTP codes through requestEmergencyAccess locks the account (and ends the session)", async () => {
    const provider = await rig.member("provider");
    for (let i = 0; i < 5; i++) {
      const r = await rig.gw.run(ops.RequestEmergencyAccessDocument, { input: { reason, patientRef: patient.sub }, code: totp(provider.secret, 10 + i) }, { token: provider.accessToken });
      expect(["CODE_MISMATCH", "FORBIDDEN", "ACCOUNT_LOCKED"]).toContain(errorOf(r).extensions.code);
    }
    const sixth = await rig.gw.run(ops.RequestEmergencyAccessDocument, { input: { reason, patientRef: patient.sub }, code: await freshCode(provider.secret) }, { token: provider.accessToken });
    expect(sixth.data?.requestEmergencyAccess ?? null).toBeNull();
  });

  it("an emergency claim forged by a client straight to the subgraph, or a captured assertion replayed, opens nothing", async () => {
    const provider = await rig.member("provider");
    const variables = { id: patient.sub };
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const payload = { iss: "auth-gateway-test", aud: "patients", sub: provider.sub, groups: ["provider"], sid: "x", iat: now, exp: now + 60, jti: randomUUID(), oph: operationHash(recordQuery, variables), emergency: { gid: randomUUID(), scope: "READ_WRITE", exp: now + 600 } };
    const none = `${b64({ alg: "none", typ: "JWT" })}.${b64(payload)}.`;
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const body = `${b64({ alg: "ES256", typ: "JWT", kid: "attacker" })}.${b64(payload)}`;
    const selfSigned = `${body}.${sign("sha256", Buffer.from(body), { key: createPrivateKey(privateKey.export({ format: "pem", type: "pkcs8" })), dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
    const direct = async (assertion: string) => (await fetch(rig.patients.url, { method: "POST", headers: { "content-type": "application/json", "x-identity-assertion": assertion }, body: JSON.stringify({ query: recordQuery, variables }) })).json() as Promise<{ data?: { patient?: unknown }; errors?: unknown[] }>;
    for (const forged of [none, selfSigned]) expect((await direct(forged)).data?.patient ?? null).toBeNull();

    // A real assertion the gateway sent under a grant, replayed straight to the subgraph, and pushed through the gateway by an anonymous client.
    await grantOf(provider);
    rig.seen.length = 0;
    dataOf(await recordOf(provider.accessToken));
    const captured = String(rig.seen.at(-1)?.["x-identity-assertion"]);
    expect((await direct(captured)).data?.patient ?? null).toBeNull();
    const viaGateway = await rig.gw.run(recordQuery, variables, { headers: { "x-identity-assertion": captured } });
    expect((viaGateway.data as { patient?: unknown } | null | undefined)?.patient ?? null).toBeNull();
  });

  it("the reason text never reaches logs, metrics, alerts or the audit trail, even inlined in the document or refused by validation", async () => {
    const provider = await rig.member("provider");
    const inline = (extra: string, code: string) => `mutation { requestEmergencyAccess(input: { reason: "${reason}", patientRef: "${patient.sub}"${extra} }, code: "${code}") { id } }`;
    const answers = [
      await rig.gw.run(inline(", minutes: 500", "000000"), {}, { token: provider.accessToken }),
      await rig.gw.run(inline(", scope: BOGUS", "000000"), {}, { token: provider.accessToken }),
      await rig.gw.run(inline(", minutes: \"x\"", "000000"), {}, { token: provider.accessToken }),
      await rig.gw.run(inline("", await freshCode(provider.secret)), {}, { token: provider.accessToken }),
    ];
    await rig.gw.emergencyAlerts.settled();
    const metrics = await (await fetch(rig.gw.url.replace("/graphql", "/metrics"))).text();
    const errors = JSON.stringify(answers.map((a) => a.errors ?? []));
    for (const [where, text] of Object.entries({ errors, logs: rig.logLines.join("\n"), metrics, audit: JSON.stringify(rig.gw.audit.records), webhook: rig.webhook.received.map((d) => d.body).join("\n") })) {
      expect({ where, leaks: text.includes("SECRET-REASON-MARKER") }).toEqual({ where, leaks: false });
    }
  });

  // Stops the subgraph: last.
  it("a request under a grant whose subgraph call fails still gets its outcome record (EMERGENCY_ACCESS_USED FAILURE)", async () => {
    const provider = await rig.member("provider");
    const grant = await grantOf(provider);
    // The same provider, assigned to another patient: an ordinary (non-grant) request, for comparison.
    rig.patients.assign(provider.sub, otherPatient.sub);
    await rig.patients.close();
    const plain = await recordOf(provider.accessToken, otherPatient.sub);
    const r = await recordOf(provider.accessToken);
    // README (Federation): a subgraph failure, timeouts included, is SERVICE_UNAVAILABLE (HTTP 503 when nothing could be answered).
    // Both requests come from the session holding the grant, so both carry the claim: two uses, each with its outcome.
    const used = rig.gw.audit.records.filter((x) => x.event === "EMERGENCY_ACCESS_USED" && x.grantId === grant.id).map((x) => x.outcome);
    expect({ grant: [r.status, r.errors?.[0]?.extensions.code], plain: [plain.status, plain.errors?.[0]?.extensions.code], used }).toEqual({ grant: [503, "SERVICE_UNAVAILABLE"], plain: [503, "SERVICE_UNAVAILABLE"], used: ["INTENT", "FAILURE", "INTENT", "FAILURE"] });
  });
});

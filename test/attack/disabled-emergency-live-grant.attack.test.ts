import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPatientsSubgraph } from "../../examples/patients/subgraph";
import { loadConfig } from "../../src/config";
import type { RedisStore } from "../../src/store/redis-store";
import { MeDocument, RequestEmergencyAccessDocument } from "../generated/graphql";
import { dataOf, errorOf } from "../support/graphql-client";
import { freePort } from "../support/ports";
import { startTestGateway, testRedisStore, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, grantGroup, loginWithMfa } from "../support/users";

/**
 * Attack (DISABLED_FEATURES=emergency-access "also turns emergency access off behind the schema"). An operator
 * turns the feature off during an incident — a rolling restart: instances with the new setting share the store
 * with the one that granted. A provider's break-glass grant opened just before must not keep reading patient
 * records through the instances that have the feature off.
 */
const issuer = "auth-gateway-test";
const off = loadConfig({ DISABLED_FEATURES: "emergency-access" });
const patientQuery = "query ($id: ID!) { patient(id: $id) { owner } }";

let dir: string;
let store: RedisStore;
let patients: Awaited<ReturnType<typeof startPatientsSubgraph>>;
let granting: TestGateway;
let disabled: TestGateway;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "emergency-off-"));
  const keyFile = join(dir, "gateway.pem");
  writeFileSync(keyFile, generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString());
  const port = await freePort();
  patients = await startPatientsSubgraph({ gatewayJwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`, issuer });
  store = testRedisStore();
  // Both instances sign subgraph assertions with the same key, as one deployment's instances do.
  const shared = { subgraphs: [{ name: "patients", url: patients.url }], federation: { issuer, signingKeyFiles: [{ kid: "k1", path: keyFile }] } };
  granting = await startTestGateway({ store, settings: { ...shared, port } });
  disabled = await startTestGateway({ store, settings: { ...shared, disabledFeatures: off.disabledFeatures, emergency: off.emergency } });
});
afterAll(async () => {
  await granting?.close();
  await disabled?.close();
  await patients?.close();
  await store?.clearPrefix();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const member = async (group: "patient" | "provider") => {
  const user = await enrolledUser(granting);
  const sub = dataOf(await granting.run(MeDocument, {}, { token: user.accessToken })).me.sub;
  await grantGroup(sub, group);
  return { ...user, sub, accessToken: (await loginWithMfa(granting, user)).tokens!.accessToken };
};

describe("attack: a live emergency grant when emergency access is turned off", () => {
  // FINDING (medium): EmergencyAccess.liveClaim (src/auth/emergency/emergency-access.ts) never asks whether
  // emergency access is enabled; `enabled: false` (DISABLED_FEATURES=emergency-access, or the deprecated
  // EMERGENCY_ACCESS=off) only stops *new* requests. A grant opened before keeps being forwarded to the subgraphs
  // by the instances that have the feature off, for the rest of its minutes — and on those instances nobody can
  // end it (endEmergencyAccess is gone from the schema) or review it (reviewEmergencyAccess too). In production the
  // same setting waives ALERT_WEBHOOK_URL (src/production-requirements.ts), so those uses and the overdue-review
  // escalations of such a grant can reach nobody but a log line. (Ending the holder's sessions — adminGlobalSignOut,
  // a security event — is the way out left; not exercised here.)
  // Fixed: with emergency access off, no grant claim is forwarded (liveClaim answers undefined when it is off); the
  // grant stays on record, for review where the feature is on.
  it("the instance with the feature off forwards no grant: the provider reads only what the care team allows", async () => {
    const patient = await member("patient");
    const provider = await member("provider");
    const read = (gw: TestGateway) => gw.run<{ patient: { owner: string } | null }, { id: string }>(patientQuery, { id: patient.sub }, { token: provider.accessToken });
    // Control: not on the patient's care team, the provider is refused everywhere before any grant.
    expect(errorOf(await read(disabled)).extensions.code).toBe("FORBIDDEN");
    const reason = "Attack: patient unconscious, no assigned clinician";
    dataOf(await granting.run(RequestEmergencyAccessDocument, { input: { reason, patientRef: patient.sub }, code: await freshCode(provider.secret) }, { token: provider.accessToken }));
    // The granting instance honours the grant (the test's premise).
    expect(dataOf(await read(granting)).patient?.owner).toBe(patient.sub);
    // The holder cannot end it where the feature is off.
    expect(errorOf(await disabled.run("mutation ($id: ID!) { endEmergencyAccess(id: $id) { id } }", { id: "any" }, { token: provider.accessToken })).extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");

    const answer = await read(disabled);
    expect(answer.data?.patient ?? null).toBeNull();
    expect(errorOf(answer).extensions.code).toBe("FORBIDDEN");
  });
});

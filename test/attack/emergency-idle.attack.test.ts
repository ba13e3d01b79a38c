import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startPatientsSubgraph } from "../../examples/patients/subgraph";
import { loadConfig } from "../../src/config";
import * as ops from "../generated/graphql";
import { ShiftedClock } from "../support/emergency-rig";
import { FailingSink } from "../support/failing-sink";
import { dataOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, grantGroup, loginWithMfa } from "../support/users";

/** Gateway mode with the shipped idle logoff (900 s) and a 30-minute grant: does the grant outlive an idle logoff? */
let gw: TestGateway;
let patients: Awaited<ReturnType<typeof startPatientsSubgraph>>;
const clock = new ShiftedClock();
const sink = new FailingSink();
const subgraphCalls: number[] = [];
beforeAll(async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  patients = await startPatientsSubgraph({ gatewayJwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`, issuer: "auth-gateway-test", onRequest: () => void subgraphCalls.push(Date.now()) });
  const defaults = loadConfig({});
  gw = await startTestGateway({ clock, auditSink: sink, settings: { port, subgraphs: [{ name: "patients", url: patients.url }], federation: { issuer: "auth-gateway-test", signingKeyFiles: [] }, sessionMaxAgeSeconds: 30 * 24 * 3600, policy: { ...defaults.policy, rateLimitIpPerMinute: 0, rateLimitAccountPerMinute: 0, rateLimitUserPerMinute: 0 } } });
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await patients?.close();
});

const member = async (group: "patient" | "provider") => {
  const u = await enrolledUser(gw);
  const sub = dataOf(await gw.run(ops.MeDocument, {}, { token: u.accessToken })).me.sub;
  await grantGroup(sub, group);
  const t = (await loginWithMfa(gw, u)).tokens!;
  return { ...u, sub, accessToken: t.accessToken, refreshToken: t.refreshToken! };
};

it("the audit trail down while a grant is used: 503 SERVICE_UNAVAILABLE, and the subgraph is not called", async () => {
  const patient = await member("patient");
  dataOf(await gw.run("{ myRecord { owner } }", {}, { token: patient.accessToken }));
  const provider = await member("provider");
  dataOf(await gw.run(ops.RequestEmergencyAccessDocument, { input: { reason: "Unconscious patient, care team unreachable", patientRef: patient.sub }, code: await freshCode(provider.secret) }, { token: provider.accessToken }));
  sink.failWhen = (r) => r.event === "EMERGENCY_ACCESS_USED";
  const before = subgraphCalls.length;
  try {
    const r = await gw.run<{ patient: { owner: string } }, object>(`query ($id: ID!) { patient(id: $id) { owner } }`, { id: patient.sub }, { token: provider.accessToken });
    expect({ status: r.status, code: r.errors?.[0]?.extensions.code, data: r.data?.patient ?? null, subgraphCalled: subgraphCalls.length > before }).toEqual({ status: 503, code: "SERVICE_UNAVAILABLE", data: null, subgraphCalled: false });
  } finally {
    sink.failWhen = () => false;
  }
});

it("an idle logoff ends the grant: neither the idle session, its refresh, nor a new login reads the record", async () => {
  const patient = await member("patient");
  dataOf(await gw.run("{ myRecord { owner } }", {}, { token: patient.accessToken }));
  const provider = await member("provider");
  dataOf(await gw.run(ops.RequestEmergencyAccessDocument, { input: { reason: "Unconscious patient, care team unreachable", patientRef: patient.sub }, code: await freshCode(provider.secret) }, { token: provider.accessToken }));
  const read = (token: string) => gw.run<{ patient: { owner: string } }, object>(`query ($id: ID!) { patient(id: $id) { owner } }`, { id: patient.sub }, { token });
  expect(dataOf(await read(provider.accessToken)).patient.owner).toBe(patient.sub);
  clock.advanceSeconds(16 * 60);
  expect((await read(provider.accessToken)).data?.patient ?? null).toBeNull();
  const refreshed = await gw.run(ops.RefreshTokensDocument, { refreshToken: provider.refreshToken });
  const token = refreshed.data?.refreshTokens?.tokens?.accessToken;
  if (token) expect((await read(token)).data?.patient ?? null).toBeNull();
  const again = (await loginWithMfa(gw, provider)).tokens!;
  expect((await read(again.accessToken)).data?.patient ?? null).toBeNull();
});

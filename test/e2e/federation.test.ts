import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPatientsSubgraph } from "../../examples/patients/subgraph";
import { flagsKey } from "../../src/auth/account-records";
import { composeSupergraph } from "../../src/federation/compose";
import { PasswordRotation } from "../../src/policy/password-rotation";
import { generateSigningKey, IdentityAsserter, signingKeysFromPem } from "../../src/federation/identity-token";
import { LoginDocument, MeDocument } from "../generated/graphql";
import { FakeClock } from "../fakes/fake-clock";
import { dataOf, errorOf, execute } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { adminUser, enrolledUser, grantGroup, loginWithMfa, type EnrolledUser } from "../support/users";
import { freePort } from "../support/ports";


const issuer = "auth-gateway-test";
type Headers = Record<string, string | string[] | undefined>;

describe("federated subgraphs trust the gateway", () => {
  let gw: TestGateway;
  let patients: Awaited<ReturnType<typeof startPatientsSubgraph>>;
  let dir: string;
  let asserterWithGatewayKey: (clock?: FakeClock) => IdentityAsserter;
  const seen: Headers[] = [];

  /** An enrolled user in `group`, signed in again so the token carries it. */
  const member = async (group: "patient" | "provider"): Promise<EnrolledUser & { sub: string }> => {
    const user = await enrolledUser(gw);
    const sub = dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
    await grantGroup(sub, group);
    const tokens = (await loginWithMfa(gw, user)).tokens!;
    return { ...user, sub, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken! };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "federation-"));
    const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    writeFileSync(join(dir, "gateway.pem"), pem);
    asserterWithGatewayKey = (clock = new FakeClock()) => new IdentityAsserter({ keys: signingKeysFromPem([{ kid: "k1", pem }]), issuer, clock });
    const port = await freePort();
    patients = await startPatientsSubgraph({ gatewayJwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`, issuer, onRequest: (h) => seen.push(h) });
    gw = await startTestGateway({
      settings: { port, subgraphs: [{ name: "patients", url: patients.url }], federation: { issuer, signingKeyFiles: [{ kid: "k1", path: join(dir, "gateway.pem") }] } },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await patients?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const myRecord = "{ myRecord { id owner note } }";
  const allRecords = "{ patients { owner } }";

  it("answers the gateway's own API and the subgraph's from one endpoint, by role", async () => {
    const patient = await member("patient");
    const provider = await member("provider");
    const admin = await adminUser(gw);

    const both = dataOf(await gw.run<{ me: { sub: string }; myRecord: { owner: string } }, object>(`{ me { sub } myRecord { owner } }`, {}, { token: patient.accessToken }));
    expect(both).toEqual({ me: { sub: patient.sub }, myRecord: { owner: patient.sub } });
    expect(errorOf(await gw.run(allRecords, {}, { token: patient.accessToken })).extensions.code).toBe("FORBIDDEN");

    // A provider sees only assigned patients (emergency access: e2e/emergency-access).
    const seenByProvider = async () => dataOf(await gw.run<{ patients: { owner: string }[] }, object>(allRecords, {}, { token: provider.accessToken })).patients;
    expect(await seenByProvider()).not.toContainEqual({ owner: patient.sub });
    patients.assign(provider.sub, patient.sub);
    expect(await seenByProvider()).toContainEqual({ owner: patient.sub });
    expect(errorOf(await gw.run(myRecord, {}, { token: provider.accessToken })).extensions.code).toBe("FORBIDDEN");
    expect(dataOf(await gw.run<{ patients: unknown[] }, object>(allRecords, {}, { token: admin.accessToken })).patients.length).toBeGreaterThan(0);

    expect(errorOf(await gw.run(myRecord)).extensions.code).toBe("UNAUTHENTICATED");
  });

  it("logs and meters each client request once, by its root field, in gateway mode too", async () => {
    expect(errorOf(await gw.run(myRecord)).extensions.code).toBe("UNAUTHENTICATED");
    const metrics = await (await fetch(gw.url.replace("/graphql", "/metrics"))).text();
    // myRecord only ever reaches the supergraph (never the internal auth subgraph): it is counted there.
    expect(metrics).toMatch(/gateway_graphql_requests_total\{operation="myRecord",outcome="error"\} [1-9]/);
    // The supergraph's composition and planning queries to the internal subgraph are not client requests.
    expect(metrics).not.toMatch(/operation="_service"/);
  });

  const states: [string, (user: EnrolledUser & { sub: string }) => Promise<void>][] = [
    [
      "ACCOUNT_LOCKED",
      async (user) => {
        for (let i = 0; i < 5; i++) expect(errorOf(await gw.run(LoginDocument, { email: user.email, password: "Wrong-Passw0rd-!!" })).extensions.code).toBe("INVALID_CREDENTIALS");
      },
    ],
    ["ACCOUNT_DISABLED", async (user) => gw.store.set(flagsKey(user.sub), JSON.stringify({ disabled: true }), 3600)],
    ["PASSWORD_EXPIRED", async (user) => gw.store.set(PasswordRotation.key(user.sub), String(Math.floor(Date.now() / 1000) - 91 * 86400), 3600)],
  ];

  it.each(states)("G: %s — the still-valid token gets no assertion: the subgraph never runs", async (reason, enter) => {
    const patient = await member("patient");
    await enter(patient);
    seen.length = 0;
    const refused = await gw.run(myRecord, {}, { token: patient.accessToken });
    expect(errorOf(refused).extensions).toMatchObject({ code: "FORBIDDEN", reason });
    const mixed = await gw.run(`{ me { sub } myRecord { owner } }`, {}, { token: patient.accessToken });
    expect(mixed.data ?? null).toBeNull();
    expect(seen).toHaveLength(0);
  });

  it("checks a request's token and session once, not again in the internal auth subgraph", async () => {
    const patient = await member("patient");
    const reads = jest.spyOn(gw.services.access, "forToken");
    try {
      dataOf(await gw.run(`{ me { sub } myRecord { owner } }`, {}, { token: patient.accessToken }));
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
  });

  it("keeps the auth subgraph's typed errors typed (a 4xx from a subgraph would read as a failed fetch)", async () => {
    const bad = await gw.run(`mutation { register(input: { email: "not-an-email", password: "x" }) { accepted } }`);
    expect(["BAD_USER_INPUT", "PASSWORD_POLICY_VIOLATION"]).toContain(errorOf(bad).extensions.code);
  });

  it("passes the gateway's own errors through unchanged (auth subgraph)", async () => {
    const error = errorOf(await gw.run(LoginDocument, { email: "nobody@example.test", password: "Wrong-Passw0rd-!!" }));
    expect(error).toMatchObject({ message: "The email or password is incorrect.", extensions: { code: "INVALID_CREDENTIALS" } });
  });

  it("never sends a subgraph the user's Cognito token; it sends an assertion instead", async () => {
    const patient = await member("patient");
    seen.length = 0;
    dataOf(await gw.run(myRecord, {}, { token: patient.accessToken }));
    expect(seen.length).toBeGreaterThan(0);
    for (const headers of seen) {
      expect(headers["authorization"]).toBeUndefined();
      expect(JSON.stringify(headers)).not.toContain(patient.accessToken);
      expect(headers["x-identity-assertion"]).toMatch(/^eyJ/);
    }
  });

  describe("requests that bypass the gateway", () => {
    const direct = (query: string, assertion?: string) => execute(patients.url, query, {}, { headers: assertion ? { "x-identity-assertion": assertion } : {} });
    const patientIdentity = { sub: "patient-direct", groups: ["patient"], sessionId: "s" };
    const sign = (audience = "patients", query = myRecord, clock?: FakeClock) => asserterWithGatewayKey(clock).sign(patientIdentity, audience, { query, variables: {} });

    it("accept a genuine assertion once, and refuse its replay", async () => {
      const assertion = sign();
      expect(dataOf(await direct(myRecord, assertion))).toMatchObject({ myRecord: { owner: "patient-direct" } });
      expect(errorOf(await direct(myRecord, assertion)).extensions.code).toBe("UNAUTHENTICATED");
    });

    it.each([
      ["no assertion", () => undefined],
      ["one for another subgraph", () => sign("billing")],
      ["one past its expiry", () => sign("patients", myRecord, new FakeClock(Date.now() - 120_000))],
      ["one issued for another operation (tampered hash)", () => sign("patients", "{ patients { owner } }")],
      ["one signed by an unknown key", () => new IdentityAsserter({ keys: [generateSigningKey("k1")], issuer, clock: new FakeClock() }).sign(patientIdentity, "patients", { query: myRecord, variables: {} })],
    ])("are anonymous with %s: UNAUTHENTICATED", async (_name, assertion) => {
      expect(errorOf(await direct(myRecord, assertion())).extensions.code).toBe("UNAUTHENTICATED");
    });

    it("still answer federation's _service through shield", async () => {
      const sdl = dataOf(await direct("{ _service { sdl } }")) as { _service: { sdl: string } };
      expect(sdl._service.sdl).toContain("type PatientRecord");
    });
  });

  it("serves the same from a static supergraph composed by `npm run compose` (SUPERGRAPH_FILE)", async () => {
    const file = join(dir, "supergraph.graphql");
    writeFileSync(file, await composeSupergraph([{ name: "patients", url: patients.url }]));
    const fromFile = await startTestGateway({
      settings: { subgraphs: [{ name: "patients", url: patients.url }], supergraphFile: file, federation: { issuer, signingKeyFiles: [{ kid: "k1", path: join(dir, "gateway.pem") }] } },
    });
    try {
      const patient = await member("patient");
      const both = dataOf(await fromFile.run<{ me: { sub: string }; myRecord: { owner: string } }, object>(`{ me { sub } myRecord { owner } }`, {}, { token: (await loginWithMfa(fromFile, patient)).tokens!.accessToken }));
      expect(both).toEqual({ me: { sub: patient.sub }, myRecord: { owner: patient.sub } });
    } finally {
      await fromFile.close();
    }
  });

  it("publishes the gateway's public keys", async () => {
    const jwks = (await (await fetch(gw.url.replace("/graphql", "/.well-known/jwks.json"))).json()) as { keys: { kid: string; kty: string; d?: string }[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ kid: "k1", kty: "EC" })]);
    expect(jwks.keys[0]?.d).toBeUndefined();
  });
});

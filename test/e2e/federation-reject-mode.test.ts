import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compositionQuery } from "@hipaa-auth-gateway/subgraph-auth";
import { startPatientsSubgraph } from "../../examples/patients/subgraph";
import { composeSupergraph } from "../../src/federation/compose";
import { IdentityAsserter, signingKeysFromPem } from "../../src/federation/identity-token";
import { MeDocument } from "../generated/graphql";
import { FakeClock } from "../fakes/fake-clock";
import { dataOf, execute } from "../support/graphql-client";
import { freePort } from "../support/ports";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, grantGroup, loginWithMfa } from "../support/users";

const issuer = "auth-gateway-reject-mode";

/** The package README's set-up (`onMissingOrInvalid: "reject"`) behind the gateway: composition must work. */
describe("a subgraph in reject mode behind the gateway", () => {
  let dir: string;
  let keyFile: string;
  let gatewayAsserter: IdentityAsserter;
  let patients: Awaited<ReturnType<typeof startPatientsSubgraph>>;
  let gw: TestGateway;
  const errorLines: object[] = [];
  const recordingLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: (obj: object) => void errorLines.push(obj) };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "reject-mode-"));
    keyFile = join(dir, "gateway.pem");
    const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    writeFileSync(keyFile, pem);
    gatewayAsserter = new IdentityAsserter({ keys: signingKeysFromPem([{ kid: "k1", pem }]), issuer, clock: new FakeClock() });
    const port = await freePort();
    patients = await startPatientsSubgraph({ gatewayJwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`, issuer, onMissingOrInvalid: "reject" });
    // Composition at start-up (IntrospectAndCompose) is the request that used to be refused with 401.
    gw = await startTestGateway({ settings: { port, subgraphs: [{ name: "patients", url: patients.url }], federation: { issuer, signingKeyFiles: [{ kid: "k1", path: keyFile }] } }, logger: recordingLogger });
  });
  afterAll(async () => {
    await gw?.close();
    await patients?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts, composes and answers a signed-in patient's record", async () => {
    const user = await enrolledUser(gw);
    const sub = dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
    await grantGroup(sub, "patient");
    const token = (await loginWithMfa(gw, user)).tokens!.accessToken;
    expect(dataOf(await gw.run<{ myRecord: { owner: string } }, object>("{ myRecord { owner } }", {}, { token }))).toEqual({ myRecord: { owner: sub } });

    // One denied field is null with its FORBIDDEN; the rest of the answer stays, and nothing is logged as an error.
    errorLines.length = 0;
    const mixed = await gw.run<{ me: { sub: string }; myRecord: { owner: string }; patients: unknown }, object>("{ me { sub } myRecord { owner } patients { owner } }", {}, { token });
    expect(mixed.data).toEqual({ me: { sub }, myRecord: { owner: sub }, patients: null });
    expect(mixed.errors).toEqual([expect.objectContaining({ path: ["patients"], extensions: { code: "FORBIDDEN" } })]);
    expect(errorLines).toEqual([]);
  });

  it("refuses `_service`, `_entities` and every other operation sent without the gateway's assertion (HTTP 401)", async () => {
    const entities = 'query { _entities(representations: [{ __typename: "PatientRecord", id: "record-x" }]) { ... on PatientRecord { note } } }';
    for (const query of [compositionQuery, entities, "{ myRecord { note } }"]) {
      const answer = await fetch(patients.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
      expect(answer.status).toBe(401);
    }
    // The composition assertion moved onto `_entities` is refused too.
    const moved = await execute(patients.url, entities, {}, { headers: { "x-identity-assertion": gatewayAsserter.signComposition("patients", { query: compositionQuery }) } });
    expect(moved.errors?.[0]?.extensions?.["reason"]).toBe("OPERATION_MISMATCH");
  });

  it("`npm run compose` signs its request with the gateway's keys, and names the HTTP status when refused", async () => {
    await expect(composeSupergraph([{ name: "patients", url: patients.url }])).rejects.toThrow(/patients refused _service \{ sdl \}: HTTP 401 Unauthorized/);
    expect(await composeSupergraph([{ name: "patients", url: patients.url }], { asserter: gatewayAsserter })).toContain("type PatientRecord");
  });
});

describe("the example subgraph's recommended set-up", () => {
  it("hides stack traces outside development (NODE_ENV unset)", async () => {
    const nodeEnv = process.env["NODE_ENV"];
    delete process.env["NODE_ENV"];
    const patients = await startPatientsSubgraph({ gatewayJwksUri: "http://127.0.0.1:9/.well-known/jwks.json", issuer, onMissingOrInvalid: "anonymous" }).finally(() => {
      process.env["NODE_ENV"] = nodeEnv;
    });
    try {
      const denied = await execute(patients.url, "{ patients { owner } }");
      expect(denied.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED" });
    } finally {
      await patients.close();
    }
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPatientsSubgraph } from "../../examples/patients/subgraph";
import { loadConfig } from "../../src/config";
import { emailChangesPerHour } from "../../src/features/account/account.feature";
import { composeSupergraph } from "../../src/federation/compose";
import { dataOf, errorOf } from "../support/graphql-client";
import { freePort } from "../support/ports";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser } from "../support/users";

/**
 * Attack (gateway mode with DISABLED_FEATURES): the supergraph is what clients see. A disabled feature must be
 * absent there too — whether the gateway composes at start (SUBGRAPHS) or loads a composed file (SUPERGRAPH_FILE).
 */
const disabledFeatures = loadConfig({ DISABLED_FEATURES: "emergency-access,passkeys" }).disabledFeatures;
const issuer = "auth-gateway-test";
const removed = ["requestEmergencyAccess", "emergencyAccesses", "beginPasskeyLogin", "passkeys", "adminRemovePasskey"];
type Introspected = { __schema: { queryType: { fields: { name: string }[] }; mutationType: { fields: { name: string }[] }; types: { name: string }[] } };
const introspection = "{ __schema { queryType { fields { name } } mutationType { fields { name } } types { name } } }";
const advertised = async (gw: TestGateway): Promise<string[]> => {
  const { __schema: s } = dataOf(await gw.run<Introspected, never>(introspection));
  return [...s.queryType.fields, ...s.mutationType.fields, ...s.types].map((f) => f.name).filter((name) => [...removed, "Passkey", "EmergencyAccess"].includes(name));
};

let patients: Awaited<ReturnType<typeof startPatientsSubgraph>>;
let dir: string;
let port: number;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "disabled-supergraph-"));
  port = await freePort();
  patients = await startPatientsSubgraph({ gatewayJwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`, issuer });
});
afterAll(async () => {
  await patients?.close();
  rmSync(dir, { recursive: true, force: true });
});

const gatewayMode = (extra: { supergraphFile?: string }) =>
  startTestGateway({ settings: { port, disabledFeatures, subgraphs: [{ name: "patients", url: patients.url }], federation: { issuer, signingKeyFiles: [] }, ...extra } });

describe("attack: a disabled feature in gateway mode", () => {
  it("composed at start (SUBGRAPHS): absent from the supergraph; naming it is GRAPHQL_VALIDATION_FAILED; the product's subgraph still answers", async () => {
    const gw = await gatewayMode({});
    try {
      expect(await advertised(gw)).toEqual([]);
      const call = await gw.run('mutation { x: requestEmergencyAccess(input: { reason: "The patient is unconscious in the ER", scope: READ }) { id } }');
      expect([call.status, errorOf(call).extensions.code]).toEqual([400, "GRAPHQL_VALIDATION_FAILED"]);
      expect(errorOf(await gw.run("{ myRecord { id } }")).extensions.code).toBe("UNAUTHENTICATED");
    } finally {
      await gw.close();
    }
  });

  it("through the supergraph, requestEmailChange keeps the account feature's hourly limit (counted in the internal subgraph)", async () => {
    const gw = await gatewayMode({});
    try {
      const user = await enrolledUser(gw);
      const codes: string[] = [];
      for (let i = 0; i <= emailChangesPerHour; i++) {
        codes.push(errorOf(await gw.run(`mutation { requestEmailChange(newEmail: "bomb-${i}-${Date.now()}@victim.test") }`, undefined, { token: user.accessToken })).extensions.code);
      }
      expect(codes).toEqual([...Array.from({ length: emailChangesPerHour }, () => "FORBIDDEN"), "TOO_MANY_REQUESTS"]);
    } finally {
      await gw.close();
    }
  });

  // Found (low; fixed: start-up refuses such a file, src/features/supergraph-file.ts): a SUPERGRAPH_FILE composed with every feature (the default of `npm run compose`, or an old
  // file) is loaded as is by a gateway whose DISABLED_FEATURES removes some: the supergraph advertises the
  // removed fields and types to every client, and a call to one is planned and sent to the internal subgraph
  // (which refuses it) instead of being refused by the supergraph's own validation: an anonymous client gets
  // HTTP 200 INTERNAL_SERVER_ERROR (an "unexpected" error in the logs, on demand). docs/features.md asks the
  // operator to compose with the same list, but nothing checks it. SHOULD: the gateway refuses to start (or
  // recomposes) when the file's auth subgraph differs from its own assembled subgraph schema.
  it("loaded from a SUPERGRAPH_FILE composed with every feature on: still absent (the gateway refuses the stale file or leaves the fields out)", async () => {
    const file = join(dir, "supergraph.graphql");
    writeFileSync(file, await composeSupergraph([{ name: "patients", url: patients.url }]));
    let gw: TestGateway | undefined;
    try {
      gw = await gatewayMode({ supergraphFile: file });
    } catch (error) {
      // Refusing to start with a supergraph that does not match DISABLED_FEATURES is a right answer (it names the file and a field).
      expect(String(error)).toMatch(/SUPERGRAPH_FILE serves fields of features DISABLED_FEATURES turns off: .*emergencyAccesses \(emergency-access\)/);
      return;
    }
    try {
      expect(await advertised(gw)).toEqual([]);
      const call = await gw.run("{ emergencyAccesses { nodes { id } } }");
      expect([call.status, errorOf(call).extensions.code]).toEqual([400, "GRAPHQL_VALIDATION_FAILED"]);
    } finally {
      await gw.close();
    }
  });
});

import { createHash } from "node:crypto";
import { isObjectType } from "graphql";
import { assembleApi } from "../../src/features/assemble";
import { loadConfig } from "../../src/config";
import { optionalFeatureNames } from "../../src/features/feature-names";
import { allFeatures, enabledFeatures } from "../../src/features/features";
import { dataOf, errorOf, type GraphQLErrorBody } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";

/**
 * Attack (DISABLED_FEATURES): every optional feature off, then every way a client could still name one of their
 * operations or types over HTTP. Each must be refused before any rule or resolver runs (GRAPHQL_VALIDATION_FAILED)
 * or answer as if the thing never existed.
 */
const disabledFeatures = loadConfig({ DISABLED_FEATURES: optionalFeatureNames.join(",") }).disabledFeatures!;
const disabled = allFeatures.filter((f) => disabledFeatures.includes(f.name));
const removedRootFields = disabled.flatMap((f) => [...Object.keys(f.permissions.Query ?? {}), ...Object.keys(f.permissions.Mutation ?? {})]);
const removedTypes = disabled.flatMap((f) => Object.keys(f.permissions.types ?? {}));

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ settings: { disabledFeatures } });
});
afterAll(async () => {
  await gw.close();
});

const post = async (body: unknown): Promise<{ status: number; body: { data?: unknown; errors?: GraphQLErrorBody[] } }> => {
  const response = await fetch(gw.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: GraphQLErrorBody[] } };
};
const refusedUnknown = (answer: { status: number; body: { data?: unknown; errors?: GraphQLErrorBody[] } }) => [answer.status, answer.body.errors?.[0]?.extensions.code, answer.body.data];

describe("attack: reaching a disabled feature over HTTP (every optional feature off)", () => {
  it.each([
    ["an alias", 'mutation { ok: requestEmergencyAccess(input: { reason: "The patient is unconscious in the ER", scope: READ }) { id } }'],
    ["an inline fragment on the root", "query { ... on Query { auditEvents { nodes { id } } } }"],
    ["a named fragment on a removed type", "query { ...f } fragment f on Query { passkeys { ...p } } fragment p on Passkey { id }"],
    ["__typename only", "mutation { generateRecoveryCodes { __typename } }"],
    ["a removed admin field next to a kept one", "{ passwordPolicy { minLength } users { nodes { email } } }"],
    ["a variable of a removed input type", "mutation ($i: EmergencyAccessInput!) { login(email: \"a@b.c\", password: \"x\") { __typename } x: requestEmergencyAccess(input: $i) { id } }"],
  ])("%s → HTTP 400 GRAPHQL_VALIDATION_FAILED, no data", async (_how, query) => {
    expect(refusedUnknown(await post({ query }))).toEqual([400, "GRAPHQL_VALIDATION_FAILED", undefined]);
  });

  it("GET /graphql (with the CSRF preflight header) and a batch are refused the same way", async () => {
    const get = await fetch(`${gw.url}?query=${encodeURIComponent("{ loginHistory { nodes { event } } }")}`, { headers: { "apollo-require-preflight": "1" } });
    expect([get.status, ((await get.json()) as { errors: GraphQLErrorBody[] }).errors[0]!.extensions.code]).toEqual([400, "GRAPHQL_VALIDATION_FAILED"]);
    const batch = await post([{ query: "{ passwordPolicy { minLength } }" }, { query: "{ me { email } }" }]);
    expect(batch.status).toBe(400);
    expect(JSON.stringify(batch.body)).not.toContain('"me"');
  });

  it("an automatic persisted query (APQ) of a removed field is validated like any other, and its hash alone finds nothing", async () => {
    const query = "{ recoveryCodesLeft }";
    const sha256Hash = createHash("sha256").update(query).digest("hex");
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    expect(refusedUnknown(await post({ query, extensions }))).toEqual([400, "GRAPHQL_VALIDATION_FAILED", undefined]);
    const byHash = await post({ extensions });
    // Not found (the gateway answers it BAD_REQUEST): nothing ran, no rule was asked.
    expect([byHash.body.data ?? null, byHash.body.errors?.[0]?.extensions.code]).toEqual([null, "BAD_REQUEST"]);
  });

  it("introspection names exactly the assembled schema: none of the removed root fields, their types, inputs or enums", async () => {
    const expected = assembleApi(enabledFeatures({ disabledFeatures })).schema;
    const full = assembleApi(allFeatures).schema;
    type Introspected = { __schema: { queryType: { fields: { name: string }[] }; mutationType: { fields: { name: string }[] }; types: { name: string }[] } };
    const { __schema: schema } = dataOf(await gw.run<Introspected, never>("{ __schema { queryType { fields { name } } mutationType { fields { name } } types { name } } }"));
    const names = schema.types.map((t) => t.name).filter((n) => !n.startsWith("__"));
    const onlyInFull = Object.keys(full.getTypeMap()).filter((n) => !n.startsWith("__") && !expected.getType(n));
    expect(onlyInFull).toEqual(expect.arrayContaining(removedTypes));
    expect(names.filter((n) => onlyInFull.includes(n))).toEqual([]);
    expect(names.sort()).toEqual(Object.keys(expected.getTypeMap()).filter((n) => !n.startsWith("__")).sort());
    const fields = [...schema.queryType.fields, ...schema.mutationType.fields].map((f) => f.name);
    expect(fields.filter((f) => removedRootFields.includes(f))).toEqual([]);
    // No kept object type has a field that returns a removed type (it would be reachable through a kept root field).
    const leaks = Object.values(expected.getTypeMap()).filter(isObjectType).flatMap((t) => Object.values(t.getFields()).filter((f) => onlyInFull.includes(f.type.toString().replace(/[[\]!]/g, ""))).map((f) => `${t.name}.${f.name}`));
    expect(leaks).toEqual([]);
  });

  it("__type(name:) of a removed type answers null, as for a name that never existed", async () => {
    const answer = dataOf(await gw.run<Record<string, unknown>, never>('{ a: __type(name: "Passkey") { name } b: __type(name: "EmergencyAccess") { name } c: __type(name: "AuditEntry") { name } d: __type(name: "NeverExisted") { name } }'));
    expect(answer).toEqual({ a: null, b: null, c: null, d: null });
  });

  it("the kept API still answers (the refusals above are about the removed fields, not a broken gateway)", async () => {
    const policy = await gw.run<{ passwordPolicy: { minLength: number } }, never>("{ passwordPolicy { minLength } }");
    expect(dataOf(policy).passwordPolicy.minLength).toBeGreaterThan(0);
    expect(errorOf(await gw.run('mutation { login(email: "nobody@example.com", password: "wrong-Password-1") { __typename } }')).extensions.code).not.toBe("GRAPHQL_VALIDATION_FAILED");
  });
});

import { loadConfig } from "../../src/config";
import { dataOf, errorOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, loginWithMfa } from "../support/users";

/** DISABLED_FEATURES as an operator writes it, through the settings parser the gateway starts with. */
const disabledFeatures = loadConfig({ DISABLED_FEATURES: "emergency-access,audit-review" }).disabledFeatures;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ settings: { disabledFeatures } });
});
afterAll(async () => {
  await gw.close();
});

const introspection = "{ __schema { queryType { fields { name } } mutationType { fields { name } } types { name } } }";
type Introspected = { __schema: { queryType: { fields: { name: string }[] }; mutationType: { fields: { name: string }[] }; types: { name: string }[] } };

describe("a gateway started with DISABLED_FEATURES=emergency-access,audit-review", () => {
  it("answers GRAPHQL_VALIDATION_FAILED (HTTP 400) for the removed fields, before any rule or resolver runs", async () => {
    const request = await gw.run('mutation { requestEmergencyAccess(input: { reason: "The patient is unconscious in the ER", scope: READ }) { id } }');
    expect(request.status).toBe(400);
    expect(errorOf(request).extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const review = await gw.run("{ auditEvents { nodes { id } } }");
    expect([review.status, errorOf(review).extensions.code]).toEqual([400, "GRAPHQL_VALIDATION_FAILED"]);
  });

  it("leaves the removed fields and their types out of the introspected schema, and keeps the others", async () => {
    const { __schema: schema } = dataOf(await gw.run<Introspected, never>(introspection));
    const queries = schema.queryType.fields.map((f) => f.name);
    const mutations = schema.mutationType.fields.map((f) => f.name);
    const types = schema.types.map((t) => t.name);
    expect(mutations).not.toEqual(expect.arrayContaining(["requestEmergencyAccess"]));
    expect([...queries, ...mutations].filter((field) => ["requestEmergencyAccess", "endEmergencyAccess", "reviewEmergencyAccess", "emergencyAccesses", "auditEvents"].includes(field))).toEqual([]);
    expect(types.filter((type) => ["EmergencyAccess", "EmergencyAccessConnection", "EmergencyScope", "AuditEntry", "AuditEntryConnection"].includes(type))).toEqual([]);
    expect(mutations).toEqual(expect.arrayContaining(["login", "respondToMfa", "requestEmailChange", "adminDisableUser"]));
    expect(queries).toEqual(expect.arrayContaining(["me", "loginHistory", "users"]));
  });

  it("still signs users in (register, confirm, enrol, login with MFA) and answers their queries", async () => {
    const user = await enrolledUser(gw);
    const tokens = (await loginWithMfa(gw, user)).tokens!;
    const me = await gw.run<{ me: { email: string } }, never>("{ me { email } }", undefined, { token: tokens.accessToken });
    expect(dataOf(me).me.email).toBe(user.email);
  });
});

import "reflect-metadata";
import { isObjectType, type GraphQLSchema } from "graphql";
import { auditEventTypes } from "../../../src/audit/audit-event";
import { ConfigError, loadConfig } from "../../../src/config";
import { assembleApi, fieldLimitsOf } from "../../../src/features/assemble";
import { buildGatewaySchema } from "../../../src/features/build-schema";
import { alwaysOnFeatures, featureNames, optionalFeatureNames, type FeatureName } from "../../../src/features/feature-names";
import { allFeatures, auditEventOwners, enabledFeatures, errorReasonOwners } from "../../../src/features/features";

const rootFields = (schema: GraphQLSchema, root: "Query" | "Mutation"): string[] => {
  const type = schema.getType(root);
  return type && isObjectType(type) ? Object.keys(type.getFields()) : [];
};

describe("the list of features", () => {
  it("is the documented list of names, in order", () => {
    expect(allFeatures.map((f) => f.name)).toEqual([...featureNames]);
  });

  it("serves every feature unless told otherwise, and never leaves out an always-on one", () => {
    expect(enabledFeatures({})).toEqual(allFeatures);
    expect(enabledFeatures({ disabledFeatures: [...featureNames] }).map((f) => f.name)).toEqual(alwaysOnFeatures);
  });
});

describe("disabling a feature", () => {
  const full = assembleApi(allFeatures);

  it.each(optionalFeatureNames.map((name) => [name]))("removes %s's root fields and types from the schema and the permission map, and nothing else", (name) => {
    const feature = allFeatures.find((f) => f.name === name)!;
    const api = assembleApi(enabledFeatures({ disabledFeatures: [name] }));
    for (const root of ["Query", "Mutation"] as const) {
      const own = Object.keys(feature.permissions[root] ?? {});
      expect(rootFields(full.schema, root)).toEqual(expect.arrayContaining(own));
      expect(rootFields(api.schema, root).filter((field) => own.includes(field))).toEqual([]);
      expect(Object.keys(api.permissions[root]).filter((field) => own.includes(field))).toEqual([]);
      // Every other feature's fields stay.
      expect(rootFields(api.schema, root).sort()).toEqual(rootFields(full.schema, root).filter((field) => !own.includes(field)).sort());
    }
    const ownTypes = Object.keys(feature.permissions.types ?? {});
    expect(ownTypes.filter((type) => api.schema.getType(type) !== undefined || type in api.permissions)).toEqual([]);
  });

  it("removes it from the gateway's internal subgraph too (gateway mode)", () => {
    const subgraph = assembleApi(enabledFeatures({ disabledFeatures: ["emergency-access"] }), "auth-subgraph");
    expect(rootFields(subgraph.schema, "Mutation")).not.toContain("requestEmergencyAccess");
    expect(rootFields(subgraph.schema, "Query")).toContain("_service");
    expect(rootFields(assembleApi(allFeatures, "auth-subgraph").schema, "Mutation")).toContain("requestEmergencyAccess");
  });

  it("removes its own limits (requestEmailChange's hourly one goes with the account feature)", () => {
    expect(Object.keys(fieldLimitsOf(allFeatures))).toEqual(["requestEmailChange"]);
    expect(fieldLimitsOf(enabledFeatures({ disabledFeatures: ["account"] }))).toEqual({});
    expect(assembleApi(enabledFeatures({ disabledFeatures: ["admin"] })).limits).toEqual(fieldLimitsOf(allFeatures));
  });

  it("refuses a feature limit on an open mutation (it is counted per signed-in account, so it would never count)", () => {
    const viewer = allFeatures.find((f) => f.name === "viewer")!;
    const limitsLogin = { ...viewer, limits: { login: { name: "logins-by-user", points: 1, durationSeconds: 60 } } };
    expect(() => assembleApi([...enabledFeatures({ disabledFeatures: ["viewer"] }), limitsLogin])).toThrow(/limits on login would never count/);
  });

  it("leaves the types several features share while one of them is on, and drops them with the last", () => {
    const withoutLists = buildGatewaySchema(enabledFeatures({ disabledFeatures: ["admin", "audit-review", "emergency-access"] }));
    expect(withoutLists.getType("PageInfo")).toBeDefined(); // viewer's loginHistory
    const api = assembleApi(enabledFeatures({ disabledFeatures: ["admin", "audit-review", "emergency-access", "viewer"] }));
    expect(api.schema.getType("PageInfo")).toBeUndefined();
    expect("PageInfo" in api.permissions).toBe(false);
  });
});

describe("DISABLED_FEATURES", () => {
  it("takes feature names, comma-separated", () => {
    expect(loadConfig({ DISABLED_FEATURES: "emergency-access, audit-review" }).disabledFeatures).toEqual(["emergency-access", "audit-review"]);
    expect(loadConfig({}).disabledFeatures).toBeUndefined();
  });

  it.each(["sign-in", "password", "emergency", "viewer,,admin", "EMERGENCY-ACCESS"])("refuses %s at start", (value) => {
    expect(() => loadConfig({ DISABLED_FEATURES: value })).toThrow(ConfigError);
    expect(() => loadConfig({ DISABLED_FEATURES: value })).toThrow(/DISABLED_FEATURES is not valid \(expected comma-separated feature names among viewer, account/);
  });
});

describe("ownership", () => {
  it("gives every audit event name exactly one owner: a feature or the core list", () => {
    const owners = auditEventOwners();
    expect(auditEventTypes.filter((event) => owners.get(event)?.length !== 1).map((event) => `${event}: ${(owners.get(event) ?? []).join(", ") || "none"}`)).toEqual([]);
    expect([...owners.keys()].filter((event) => !(auditEventTypes as readonly string[]).includes(event))).toEqual([]);
  });

  it("gives an error reason at most one feature", () => {
    expect([...errorReasonOwners()].filter(([, owners]) => owners.length > 1)).toEqual([]);
  });

  it("keeps the always-on features' fields in every assembled schema", () => {
    const everythingOff = assembleApi(enabledFeatures({ disabledFeatures: [...optionalFeatureNames] as FeatureName[] }));
    expect(rootFields(everythingOff.schema, "Mutation")).toEqual(expect.arrayContaining(["login", "respondToMfa", "refreshTokens", "completeExpiredPassword"]));
    expect(rootFields(everythingOff.schema, "Query")).toEqual(["passwordPolicy"]);
  });
});

import "reflect-metadata";
import { isObjectType, type GraphQLSchema } from "graphql";
import { allow } from "graphql-shield";
import { assembleApi, fullPermissionMap } from "../../src/features/assemble";
import { optionalFeatureNames, type FeatureName } from "../../src/features/feature-names";
import { enabledFeatures } from "../../src/features/features";
import type { PermissionMap } from "../../src/permissions/permissions";
import { administrator, isAuthenticated, provider, signedIn, type FieldRule } from "../../src/permissions/rules";

/**
 * Attack (features as modules): the permission map is now assembled per DISABLED_FEATURES. Deny by default
 * must hold for every combination, not only for "one feature off", and no moved field may have a weaker rule
 * than before the move. The existing permission-map test covers all-on and each single feature off; this one
 * walks every subset of the optional features, the internal subgraph too, and compares with 1a5d9db.
 */

const ruleNames = new Map<FieldRule, string>([
  [allow, "allow"],
  [isAuthenticated, "isAuthenticated"],
  [signedIn, "signedIn"],
  [administrator, "administrator"],
  [provider, "provider"],
]);
const nameOf = (rule: FieldRule | Record<string, FieldRule> | undefined): string => (rule === undefined ? "(none: denied)" : (ruleNames.get(rule as FieldRule) ?? "(another rule)"));

/** The rules of src/permissions/permissions.ts at 1a5d9db (before the features moved), field by field. */
const before: Record<"Query" | "Mutation" | "types", Record<string, string>> = {
  Query: {
    me: "signedIn", sessions: "signedIn", passwordPolicy: "allow", users: "administrator", auditEvents: "administrator", loginHistory: "signedIn",
    passkeys: "signedIn", adminPasskeys: "administrator", recoveryCodesLeft: "signedIn", emergencyAccesses: "administrator",
  },
  Mutation: {
    register: "allow", confirmSignUp: "allow", resendConfirmationCode: "allow", login: "allow", exchangeAuthorizationCode: "allow", beginMfaSetup: "allow",
    completeMfaSetup: "allow", respondToMfa: "allow", refreshTokens: "allow", logout: "allow", forgotPassword: "allow", confirmForgotPassword: "allow",
    completeNewPassword: "allow", completeExpiredPassword: "allow", changePassword: "signedIn", resetMfa: "signedIn", updateProfile: "signedIn",
    requestEmailChange: "signedIn", confirmEmailChange: "signedIn", undoEmailChange: "allow", logoutEverywhere: "isAuthenticated",
    adminCreateUser: "administrator", adminDisableUser: "administrator", adminEnableUser: "administrator", adminAddUserToGroup: "administrator",
    adminRemoveUserFromGroup: "administrator", adminGlobalSignOut: "administrator", adminResetMfa: "administrator", adminUnlockUser: "administrator",
    beginPasskeyRegistration: "signedIn", beginPasskeyStepUp: "signedIn", completePasskeyRegistration: "signedIn", renamePasskey: "signedIn",
    removePasskey: "signedIn", beginPasskeyLogin: "allow", completePasskeyLogin: "allow", beginPasskeyMfa: "allow", respondWithPasskey: "allow",
    adminRemovePasskey: "administrator", generateRecoveryCodes: "signedIn", respondWithRecoveryCode: "allow", requestEmergencyAccess: "provider",
    endEmergencyAccess: "signedIn", reviewEmergencyAccess: "administrator",
  },
  types: Object.fromEntries(
    ["User", "AuthPayload", "AuthTokens", "AuthChallenge", "MfaSetup", "RegisterPayload", "MfaStatus", "PasswordPolicy", "PasswordRuleInfo", "SessionInfo", "AdminUser", "UserConnection", "PageInfo", "AuditEntry", "AuditEntryConnection", "LoginActivity", "LoginActivityConnection", "Passkey", "PasskeyChallenge", "EmergencyAccess", "EmergencyAccessConnection"].map((t) => [t, "allow"]),
  ),
};

/** The object types and root fields `map` leaves to the fallback (deny), and the fields whose rule is not the full map's. */
const problems = (schema: GraphQLSchema, map: PermissionMap, full: PermissionMap, asSubgraph: boolean) => {
  const federation = asSubgraph ? { Query: ["_service"], types: ["_Service"] } : { Query: [], types: [] };
  const objectTypes = Object.values(schema.getTypeMap()).filter(isObjectType).filter((t) => !t.name.startsWith("__"));
  const found: string[] = [];
  for (const type of objectTypes) {
    if (type.name === "Query" || type.name === "Mutation") {
      const root = type.name;
      for (const field of Object.keys(type.getFields())) {
        if (root === "Query" && federation.Query.includes(field)) continue;
        if (!(field in map[root])) found.push(`${root}.${field} has no rule`);
        else if (map[root][field] !== full[root][field]) found.push(`${root}.${field} is ${nameOf(map[root][field])}, ${nameOf(full[root][field])} with every feature on`);
      }
    } else if (!(type.name in map) && !federation.types.includes(type.name)) found.push(`type ${type.name} has no rule`);
  }
  return found;
};

/** Every subset of the optional features (2^8): each is a DISABLED_FEATURES an operator may write. */
const allSubsets = (names: readonly FeatureName[]): FeatureName[][] => names.reduce<FeatureName[][]>((subsets, name) => [...subsets, ...subsets.map((s) => [...s, name])], [[]]);

describe("attack: deny by default for every DISABLED_FEATURES", () => {
  const full = fullPermissionMap();

  it("no moved field's rule is weaker (or different) than at 1a5d9db, and nothing was added unguarded", () => {
    const diff: string[] = [];
    for (const root of ["Query", "Mutation"] as const) {
      for (const field of new Set([...Object.keys(before[root]), ...Object.keys(full[root])])) {
        const was = before[root][field] ?? "(not in the schema)";
        const now = nameOf(full[root][field]);
        if (was !== now) diff.push(`${root}.${field}: ${was} → ${now}`);
      }
    }
    const types = Object.keys(full).filter((key) => key !== "Query" && key !== "Mutation");
    for (const type of new Set([...Object.keys(before.types), ...types])) {
      if ((before.types[type] ?? "(none)") !== nameOf(full[type])) diff.push(`${type}: ${before.types[type] ?? "(none)"} → ${nameOf(full[type])}`);
    }
    expect(diff).toEqual([]);
  });

  const subsets = allSubsets(optionalFeatureNames);
  it(`leaves no field or type to the fallback, and changes no rule, in any of the ${subsets.length} combinations (standalone)`, () => {
    const found: string[] = [];
    for (const disabled of subsets) {
      const api = assembleApi(enabledFeatures({ disabledFeatures: disabled }));
      for (const problem of problems(api.schema, api.permissions, full, false)) found.push(`[${disabled.join(",")}] ${problem}`);
    }
    expect(found).toEqual([]);
  });

  it("leaves no field or type to the fallback in the internal subgraph (gateway mode), for each feature off and all off", () => {
    const found: string[] = [];
    for (const disabled of [[], ...optionalFeatureNames.map((name) => [name]), [...optionalFeatureNames]]) {
      const api = assembleApi(enabledFeatures({ disabledFeatures: disabled }), "auth-subgraph");
      for (const problem of problems(api.schema, api.permissions, full, true)) found.push(`[${disabled.join(",")}] ${problem}`);
    }
    expect(found).toEqual([]);
  });

  it("the check above can fail: a map without a feature's entries shows its fields as unruled", () => {
    const api = assembleApi(enabledFeatures({}));
    const stripped = { ...api.permissions, Mutation: { ...api.permissions.Mutation } } as PermissionMap;
    delete stripped.Mutation["requestEmailChange"];
    delete stripped["Passkey"];
    expect(problems(api.schema, stripped, full, false).sort()).toEqual(["Mutation.requestEmailChange has no rule", "type Passkey has no rule"]);
  });
});

import { allow } from "graphql-shield";
import type { GraphQLSchema } from "graphql";
import type { PermissionMap } from "../permissions/permissions";
import type { FieldLimit } from "../permissions/rate-limits";
import type { FieldRule } from "../permissions/rules";
import { buildGatewaySchema } from "./build-schema";
import { buildAuthSubgraphSchema } from "./build-subgraph-schema";
import type { Feature } from "./feature";
import { allFeatures } from "./features";

/**
 * Result types of the shared kit (src/schema/) that several features return: reachable only through those
 * features' guarded root fields, and in the map exactly when one of them is on.
 */
const sharedTypeRules: Readonly<Record<string, FieldRule>> = {
  AuthPayload: allow,
  AuthTokens: allow,
  AuthChallenge: allow,
  MfaSetup: allow,
  User: allow,
  MfaStatus: allow,
  PageInfo: allow,
};

const mergeOnce = <T>(into: Record<string, T>, from: Readonly<Record<string, T>>, what: string, owner: string): void => {
  for (const [key, value] of Object.entries(from)) {
    if (key in into) throw new Error(`${what} ${key} is claimed twice (again by ${owner}): every entry belongs to one feature`);
    into[key] = value;
  }
};

/** The permission map of the given features: their root fields and types, and the shared types the schema has. */
export const permissionMapOf = (features: readonly Feature[], schema: GraphQLSchema): PermissionMap => {
  const Query: Record<string, FieldRule> = {};
  const Mutation: Record<string, FieldRule> = {};
  const types: Record<string, FieldRule> = {};
  for (const { name, permissions } of features) {
    mergeOnce(Query, permissions.Query ?? {}, "Query field", name);
    mergeOnce(Mutation, permissions.Mutation ?? {}, "Mutation field", name);
    mergeOnce(types, permissions.types ?? {}, "type", name);
  }
  mergeOnce(types, Object.fromEntries(Object.entries(sharedTypeRules).filter(([type]) => schema.getType(type) !== undefined)), "type", "the shared kit");
  return { ...types, Query, Mutation };
};

/** The features' own limits, by mutation field. */
export const fieldLimitsOf = (features: readonly Feature[]): Record<string, FieldLimit> => {
  const limits: Record<string, FieldLimit> = {};
  for (const feature of features) mergeOnce(limits, feature.limits ?? {}, "limit of", feature.name);
  return limits;
};

export type AssembledApi = { schema: GraphQLSchema; permissions: PermissionMap; limits: Record<string, FieldLimit> };

/** Schema, permission map and limits of the enabled features: what a gateway (or its internal subgraph) serves. */
export const assembleApi = (features: readonly Feature[], kind: "standalone" | "auth-subgraph" = "standalone"): AssembledApi => {
  const schema = kind === "auth-subgraph" ? buildAuthSubgraphSchema(features) : buildGatewaySchema(features);
  const permissions = permissionMapOf(features, schema);
  const limits = fieldLimitsOf(features);
  // The middleware counts a feature's own limit per signed-in account: on an open mutation it would never count.
  const uncounted = Object.keys(limits).filter((field) => permissions.Mutation[field] === undefined || permissions.Mutation[field] === allow);
  if (uncounted.length > 0) throw new Error(`limits on ${uncounted.join(", ")} would never count: a feature's own limit needs a mutation of its own that only signed-in callers reach`);
  return { schema, permissions, limits };
};

/** The permission map with every feature on (tests, docs). */
export const fullPermissionMap = (): PermissionMap => permissionMapOf(allFeatures, buildGatewaySchema(allFeatures));

import { allow, deny, shield } from "graphql-shield";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { FieldRule } from "./rules";

/**
 * Every field of the schema, with the rule that guards it: root fields one by one, result types as a whole.
 * Assembled from the enabled features (features/assemble.ts). Deny by default: a field missing here is
 * refused at run time, and a unit test fails until it is added.
 */
export type PermissionMap = { Query: Record<string, FieldRule>; Mutation: Record<string, FieldRule> } & Record<string, FieldRule | Record<string, FieldRule>>;

/** Introspection types: Apollo's `introspection` flag decides whether `__schema` is reachable at all. */
const introspectionTypes = ["__Schema", "__Type", "__Field", "__InputValue", "__EnumValue", "__Directive"];

/** As a federation subgraph the schema also has `_service`, which the supergraph composes from. */
const subgraphRules = (map: PermissionMap) => ({ Query: { ...map.Query, _service: allow }, _Service: allow });

export const createPermissions = (map: PermissionMap, asSubgraph = false) =>
  shield(
    { ...map, ...(asSubgraph ? subgraphRules(map) : {}), ...Object.fromEntries(introspectionTypes.map((t) => [t, allow])) },
    { fallbackRule: deny, fallbackError: new GatewayError(ErrorCode.FORBIDDEN), allowExternalErrors: true, debug: false },
  );

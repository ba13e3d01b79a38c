import "reflect-metadata";
import { isObjectType, type GraphQLSchema } from "graphql";
import { allow } from "graphql-shield";
import { Ctx, Query, Resolver } from "type-graphql";
import { permissionMapOf } from "../../../src/features/assemble";
import { buildGatewaySchema } from "../../../src/features/build-schema";
import type { Feature } from "../../../src/features/feature";
import { allFeatures, enabledFeatures } from "../../../src/features/features";
import type { PermissionMap } from "../../../src/permissions/permissions";
import { signedIn } from "../../../src/permissions/rules";

/** Every way a field or type of `schema` can be left out of `map` (deny by default refuses it), or a rule can point nowhere. */
const gaps = (schema: GraphQLSchema, map: PermissionMap) => {
  const objectTypes = Object.values(schema.getTypeMap()).filter((t) => isObjectType(t) && !t.name.startsWith("__"));
  const fieldsOf = (root: "Query" | "Mutation") => {
    const type = schema.getType(root);
    return type && isObjectType(type) ? Object.keys(type.getFields()) : [];
  };
  return {
    unruledRootFields: (["Query", "Mutation"] as const).flatMap((root) => fieldsOf(root).filter((field) => !(field in map[root])).map((field) => `${root}.${field}`)),
    uncoveredTypes: objectTypes.filter((t) => !(t.name in map)).map((t) => t.name),
    staleTypes: Object.keys(map).filter((name) => !schema.getType(name)),
    staleFields: (["Query", "Mutation"] as const).flatMap((root) => Object.keys(map[root]).filter((field) => !fieldsOf(root).includes(field)).map((field) => `${root}.${field}`)),
  };
};

const noGaps = { unruledRootFields: [], uncoveredTypes: [], staleTypes: [], staleFields: [] };

/** A feature whose resolver adds a root field its permissions forget (built once: type-graphql keeps metadata globally). */
@Resolver()
class UnguardedResolver {
  @Query(() => String)
  unguardedField(@Ctx() _ctx: unknown): string {
    return "anyone";
  }
}
const unguarded: Feature = { name: "viewer", resolvers: [UnguardedResolver], permissions: { Query: {} }, auditEvents: [] };

describe("the assembled permission map", () => {
  it("names every field and type of the schema with every feature on, and nothing that does not exist", () => {
    const schema = buildGatewaySchema(allFeatures);
    expect(gaps(schema, permissionMapOf(allFeatures, schema))).toEqual(noGaps);
  });

  it.each(allFeatures.map((f) => [f.name]))("stays exact with %s disabled", (name) => {
    const features = enabledFeatures({ disabledFeatures: [name] });
    const schema = buildGatewaySchema(features);
    expect(gaps(schema, permissionMapOf(features, schema))).toEqual(noGaps);
  });

  it("fails for a feature whose field has no rule (the check above can fail)", () => {
    const features = [...allFeatures, unguarded];
    const schema = buildGatewaySchema(features);
    expect(gaps(schema, permissionMapOf(features, schema)).unruledRootFields).toEqual(["Query.unguardedField"]);
  });

  it("refuses a field two features both claim", () => {
    const twice: Feature = { name: "viewer", resolvers: [UnguardedResolver], permissions: { Query: { me: signedIn, unguardedField: allow } }, auditEvents: [] };
    expect(() => permissionMapOf([...allFeatures, twice], buildGatewaySchema([...allFeatures, twice]))).toThrow(/Query field me is claimed twice/);
  });
});

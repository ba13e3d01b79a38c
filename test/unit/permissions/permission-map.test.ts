import { isObjectType } from "graphql";
import { permissionMap } from "../../../src/permissions/permissions";
import { buildGatewaySchema } from "../../../src/schema/build-schema";

describe("the permission map", () => {
  const schema = buildGatewaySchema();
  const map = permissionMap as Record<string, unknown>;
  const objectTypes = Object.values(schema.getTypeMap()).filter((t) => isObjectType(t) && !t.name.startsWith("__"));

  it.each(["Query", "Mutation"])("names every %s field explicitly (deny by default means a missing field is refused)", (root) => {
    const type = schema.getType(root);
    if (!type || !isObjectType(type)) throw new Error(`no ${root} type`);
    const rules = map[root] as Record<string, unknown>;
    const missing = Object.keys(type.getFields()).filter((field) => !(field in rules));
    expect(missing).toEqual([]);
  });

  it("covers every object type, by a type-wide rule or field by field", () => {
    const uncovered = objectTypes.filter((t) => !(t.name in map)).map((t) => t.name);
    expect(uncovered).toEqual([]);
  });

  it("has no rules for fields or types that do not exist", () => {
    const stale = Object.keys(map).filter((name) => !schema.getType(name));
    expect(stale).toEqual([]);
    for (const root of ["Query", "Mutation"]) {
      const fields = Object.keys((schema.getType(root) as { getFields(): object }).getFields());
      expect(Object.keys(map[root] as object).filter((f) => !fields.includes(f))).toEqual([]);
    }
  });
});

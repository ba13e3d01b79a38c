import { parse, validate } from "graphql";
import { exampleTabs } from "../../playground/examples";
import { buildGatewaySchema } from "../../src/schema/build-schema";


describe("the playground's example tabs", () => {
  const schema = buildGatewaySchema();
  it("cover every query and mutation", () => {
    const fields = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    const used = exampleTabs.map((t) => t.query).join("\n");
    expect(fields.filter((f) => !new RegExp(`\\b${f}\\(|\\b${f}\\s*[{\\n]`).test(used))).toEqual([]);
  });

  it("are all valid against the schema", () => {
    for (const { query } of exampleTabs) expect(validate(schema, parse(query)).map((e) => e.message)).toEqual([]);
  });
});

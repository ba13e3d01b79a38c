import { buildSubgraphSchema } from "@apollo/subgraph";
import { NoDeprecatedCustomRule, parse, specifiedRules, validate, type GraphQLSchema } from "graphql";
import { patientsTypeDefs } from "../../examples/patients/subgraph";
import { exampleTabs } from "../../playground/examples";
import { buildGatewaySchema } from "../../src/features/build-schema";


describe("the playground's example tabs", () => {
  const schema = buildGatewaySchema();
  const subgraphs: Record<string, GraphQLSchema> = { patients: buildSubgraphSchema({ typeDefs: patientsTypeDefs }) };
  it("cover every query and mutation", () => {
    const fields = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    const used = exampleTabs.map((t) => t.query).join("\n");
    expect(fields.filter((f) => !new RegExp(`\\b${f}\\(|\\b${f}\\s*[{\\n]`).test(used))).toEqual([]);
  });

  it("are all valid against the schema (a subgraph's examples against that subgraph's)", () => {
    for (const { query, subgraph } of exampleTabs) expect(validate(subgraph ? subgraphs[subgraph]! : schema, parse(query)).map((e) => e.message)).toEqual([]);
  });

  it("teach no deprecated field (each has its replacement in the schema)", () => {
    for (const { query } of exampleTabs.filter((t) => !t.subgraph)) {
      expect(validate(schema, parse(query), [...specifiedRules, NoDeprecatedCustomRule]).map((e) => e.message)).toEqual([]);
    }
  });

  it("run what they show: no filter hidden in the collapsed Variables pane, and the subgraph examples ask a subgraph", () => {
    const audit = exampleTabs.find((t) => t.query.includes("auditEvents("))!;
    expect(audit.query).toMatch(/filter: \{\s*event: "LOGIN"\s*\}/);
    expect(JSON.parse(audit.variables)).toEqual({});
    const subgraphExamples = exampleTabs.filter((t) => t.subgraph === "patients");
    expect(subgraphExamples.map((t) => parse(t.query).definitions.length)).toEqual([1, 1]);
    for (const { query } of subgraphExamples) expect(query).not.toMatch(/\bme\b/);
  });
});

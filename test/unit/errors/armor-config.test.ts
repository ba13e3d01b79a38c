import { buildSchema, parse, validate } from "graphql";
import { armorFor } from "../../../src/apollo/options";

/** Our own schema is only a few levels deep today; the limit protects what federation will add. */
describe("document limits (graphql-armor configuration)", () => {
  const deepSchema = buildSchema("type Node { child: Node name: String } type Query { root: Node }");
  const nested = (levels: number) => `{ root ${"{ child ".repeat(levels)}{ name }${" }".repeat(levels)} }`;

  it("refuses a query deeper than 8 and accepts one within it", () => {
    const rules = armorFor(false).validationRules;
    expect(validate(deepSchema, parse(nested(9)), rules).map((e) => e.message).join()).toMatch(/depth/i);
    expect(validate(deepSchema, parse(nested(5)), rules)).toEqual([]);
  });

  it("refuses more than 15 aliases", () => {
    const rules = armorFor(false).validationRules;
    const document = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: root { name }`).join(" ")} }`;
    expect(validate(deepSchema, parse(document), rules).map((e) => e.message).join()).toMatch(/alias/i);
  });
});

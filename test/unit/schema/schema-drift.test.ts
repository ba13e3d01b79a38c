import { readFileSync } from "node:fs";
import { join } from "node:path";
import { printGatewaySchema } from "../../../src/features/print-schema";

describe("schema.graphql", () => {
  it("is what the resolvers produce (run `npm run schema` after changing the API)", () => {
    const committed = readFileSync(join(__dirname, "../../../schema.graphql"), "utf8");
    expect(committed).toBe(printGatewaySchema());
  });
});

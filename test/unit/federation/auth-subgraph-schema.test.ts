import { graphql } from "graphql";
import { buildAuthSubgraphSchema } from "../../../src/features/build-subgraph-schema";

describe("the gateway's schema as a subgraph", () => {
  it("answers _service { sdl } and keeps every field", async () => {
    const schema = buildAuthSubgraphSchema();
    const result = await graphql({ schema, source: "{ _service { sdl } }" });
    const sdl = (result.data as { _service: { sdl: string } })._service.sdl;
    expect(sdl).toContain("login(email: String!, password: String!): AuthPayload!");
    expect(sdl).toContain("@link");
    const policy = await graphql({ schema, source: "{ passwordPolicy { minLength } }" });
    expect(policy.data).toEqual({ passwordPolicy: { minLength: 12 } });
  });
});

import { startTestGateway, type TestGateway } from "../support/test-gateway";

/** Issue 22 row 7: GraphQL runs at exactly one path; look-alike paths must not execute anything. */
let gw: TestGateway;
let origin: string;
beforeAll(async () => {
  gw = await startTestGateway();
  origin = new URL(gw.url).origin;
});
afterAll(() => gw.close());

const query = JSON.stringify({ query: "{ __typename }" });

describe("ATTACK: GraphQL at paths other than /graphql", () => {
  it.each(["/graphql/", "/GRAPHQL", "/Graphql", "/graphql/x", "/graphql//", "/graphql/x?y=1"])("POST %s is 404 and executes nothing", async (path) => {
    const response = await fetch(`${origin}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: query });
    const text = await response.text();
    expect(response.status).toBe(404);
    expect(text).not.toContain("__typename");
    expect(text).not.toContain('"data"');
  });

  it.each(["/graphql/", "/GRAPHQL", "/graphql/x"])("GET %s?query= is 404 and executes nothing", async (path) => {
    const response = await fetch(`${origin}${path}?query=${encodeURIComponent("{ __typename }")}`, { headers: { "apollo-require-preflight": "1" } });
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('"data"');
  });

  it("the one path still answers, POST and GET, with no-store", async () => {
    const post = await fetch(`${origin}/graphql`, { method: "POST", headers: { "content-type": "application/json; charset=utf-8 " }, body: query });
    expect(post.status).toBe(200);
    expect(post.headers.get("cache-control")).toBe("no-store");
    expect(await post.json()).toEqual({ data: { __typename: "Query" } });
    const get = await fetch(`${origin}/graphql?query=${encodeURIComponent("{ __typename }")}`, { headers: { "apollo-require-preflight": "1" } });
    expect(get.status).toBe(200);
    expect(get.headers.get("cache-control")).toBe("no-store");
  });
});

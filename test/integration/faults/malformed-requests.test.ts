import { startTestGateway, type TestGateway } from "../../support/test-gateway";

type Answer = { status: number; contentType: string; body: { errors?: { message: string; extensions?: { code?: string } }[] } | undefined; text: string };

/** Row 3 of the faults issue: every malformed request gets 4xx and a public code in the usual JSON shape. */
describe.each([
  ["dev mode", true],
  ["AWS mode", false],
])("malformed requests (%s)", (_mode, dev) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ settings: { dev } });
  });
  afterAll(() => gw.close());

  const post = async (body: string, contentType = "application/json"): Promise<Answer> => {
    const response = await fetch(gw.url, { method: "POST", headers: { "content-type": contentType }, body });
    const text = await response.text();
    let parsed: Answer["body"];
    try {
      parsed = JSON.parse(text) as Answer["body"];
    } catch {
      parsed = undefined;
    }
    return { status: response.status, contentType: response.headers.get("content-type") ?? "", body: parsed, text };
  };
  const query = (q: string) => post(JSON.stringify({ query: q }));

  const cases: [string, () => Promise<Answer>, number, string[]][] = [
    ["a syntax error", () => query("{ me { sub "), 400, ["GRAPHQL_PARSE_FAILED"]],
    ["more than 1,500 tokens", () => query(`{ ${"passwordPolicy { minLength } ".repeat(400)} }`), 400, ["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED"]],
    ["a fragment cycle", () => query("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"), 400, ["GRAPHQL_VALIDATION_FAILED"]],
    ["500 aliases", () => query(`{ ${Array.from({ length: 500 }, (_, i) => `a${i}: passwordPolicy { minLength }`).join(" ")} }`), 400, ["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED"]],
    ["a subscription", () => query("subscription { me { sub } }"), 400, ["GRAPHQL_VALIDATION_FAILED"]],
    ["an unknown field", () => query("{ nope }"), 400, ["GRAPHQL_VALIDATION_FAILED"]],
    ["bad JSON", () => post("{ this is not json"), 400, ["BAD_REQUEST"]],
    ["a null body", () => post("null"), 400, ["BAD_REQUEST"]],
    ["an array body (batching is off)", () => post("[]"), 400, ["BAD_REQUEST"]],
    ["a number body", () => post("42"), 400, ["BAD_REQUEST"]],
    ["no query", () => post("{}"), 400, ["BAD_REQUEST"]],
    ["a body over 64 KB", () => post(JSON.stringify({ query: "{ me { sub } }", variables: { pad: "x".repeat(70_000) } })), 413, ["BAD_REQUEST"]],
  ];

  it.each(cases)("%s → the right 4xx, a public code, JSON, no stack trace", async (_name, send, status, codes) => {
    const answer = await send();
    expect(answer.status).toBe(status);
    expect(answer.contentType).toMatch(/json/);
    expect(codes).toContain(answer.body?.errors?.[0]?.extensions?.code);
    expect(answer.text).not.toMatch(/at .*\.(js|ts):\d+|<html|<pre>/i);
  });
});

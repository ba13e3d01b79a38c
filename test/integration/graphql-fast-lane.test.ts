import { request } from "node:http";
import { startTestGateway, type TestGateway } from "../support/test-gateway";

/**
 * `POST /graphql` with a JSON body is answered by the fast lane (src/http/graphql-handler.ts), everything
 * else by express: both lanes must keep one contract (answers, headers, refusals).
 */
describe("the GraphQL fast lane and the express lane", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ settings: { corsOrigins: ["https://app.example.test"] } });
  });
  afterAll(() => gw.close());

  const query = JSON.stringify({ query: "{ passwordPolicy { minLength } }" });
  const lanes: [string, Record<string, string>][] = [
    ["fast lane", { "content-type": "application/json" }],
    // A content-type parameter the fast lane does not take, and a cross-origin call while CORS is configured.
    ["express lane (parameter)", { "content-type": "application/json; charset=utf-8; profile=x" }],
    ["express lane (CORS)", { "content-type": "application/json", origin: "https://app.example.test" }],
  ];

  it.each(lanes)("%s: the same answer and the API's security headers", async (_lane, headers) => {
    const response = await fetch(gw.url, { method: "POST", headers: { ...headers, "x-request-id": "lane-test-1" }, body: query });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { passwordPolicy: { minLength: expect.any(Number) } } });
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("x-request-id")).toBe("lane-test-1");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("strict-transport-security")).toContain("max-age=");
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-powered-by")).toBeNull();
  });

  it("answers a cross-origin call with CORS headers (express lane)", async () => {
    const response = await fetch(gw.url, { method: "POST", headers: { "content-type": "application/json", origin: "https://app.example.test" }, body: query });
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example.test");
  });

  it("keeps helmet's page headers (the long CSP) for everything else", async () => {
    const response = await fetch(gw.url.replace("/graphql", "/healthz"));
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
  });

  it("refuses a chunked body (no content-length) over 64 kB with 413", async () => {
    const url = new URL(gw.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: "/graphql", method: "POST", headers: { "content-type": "application/json" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      for (let i = 0; i < 10; i++) req.write("x".repeat(10_000));
      req.end();
    });
    expect(status).toBe(413);
  });

  it("refuses a non-object body in the fast lane as in the express lane", async () => {
    for (const headers of [{ "content-type": "application/json" }, { "content-type": "application/json; charset=utf-8; profile=x" }]) {
      const response = await fetch(gw.url, { method: "POST", headers, body: "[1]" });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe("BAD_REQUEST");
    }
  });
});

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { subgraphFetcher } from "../../../src/http/subgraph-fetcher";

/** The gateway's requests to its subgraphs (gateway mode): what Apollo Gateway reads, and the deadline. */
describe("subgraphFetcher", () => {
  let server: Server;
  let url: string;
  const seen: { method?: string; headers: Record<string, unknown>; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        seen.push({ method: req.method, headers: req.headers, body });
        if (req.url === "/stall") return; // never answers
        if (req.url === "/fail") return void res.writeHead(500, { "content-type": "text/plain" }).end("down");
        res.writeHead(200, { "content-type": "application/json", "cache-control": "max-age=5" }).end(JSON.stringify({ data: { ok: true } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("posts the body with its headers and answers as a fetch Response would", async () => {
    const fetcher = subgraphFetcher(1000);
    const response = await fetcher(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", "x-request-id": "r1" }, body: '{"query":"{ ok }"}' });
    expect(response).toMatchObject({ ok: true, status: 200, url: `${url}/graphql` });
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(response.headers.get("cache-control")).toBe("max-age=5");
    expect(response.headers.get("x-missing")).toBeNull();
    expect(await response.json()).toEqual({ data: { ok: true } });
    expect(seen.at(-1)).toMatchObject({ method: "POST", body: '{"query":"{ ok }"}', headers: { "x-request-id": "r1", "content-type": "application/json" } });
  });

  it("hands a failed answer back with its status and body (Apollo Gateway makes the error)", async () => {
    const response = await subgraphFetcher(1000)(`${url}/fail`, { body: "{}" });
    expect(response).toMatchObject({ ok: false, status: 500 });
    expect(await response.text()).toBe("down");
  });

  it("rejects when the subgraph does not answer within the deadline", async () => {
    await expect(subgraphFetcher(200)(`${url}/stall`, { body: "{}" })).rejects.toThrow(/within 200 ms/);
  });

  it("rejects when nothing listens", async () => {
    await expect(subgraphFetcher(1000)("http://127.0.0.1:1/graphql", { body: "{}" })).rejects.toThrow();
  });
});

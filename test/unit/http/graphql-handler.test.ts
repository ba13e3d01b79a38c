import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HeaderMap, type ApolloServer } from "@apollo/server";
import type { GatewayContext } from "../../../src/context/gateway-context";
import { setApiSecurityHeaders } from "../../../src/http/api-headers";
import { executeGraphql } from "../../../src/http/graphql-handler";

/** An Apollo stand-in answering with the headers a cacheable answer (or a subgraph's hint) would carry. */
const apolloAnswering = (headers: [string, string][]) =>
  ({
    executeHTTPGraphQLRequest: async () => ({ status: 200, headers: new HeaderMap(headers), body: { kind: "complete", string: '{"data":{}}' } }),
  }) as unknown as ApolloServer<GatewayContext>;

const serve = async (apollo: ApolloServer<GatewayContext>) => {
  const server: Server = createServer((req, res) => {
    setApiSecurityHeaders(res);
    void executeGraphql(apollo, req, res, {}, "req-1", async () => ({}) as GatewayContext);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

describe("executeGraphql (the fast lane's Apollo call)", () => {
  it("keeps the API's no-store whatever cache hint Apollo or a subgraph gives (answers may carry PHI)", async () => {
    const server = await serve(apolloAnswering([["cache-control", "max-age=60, public"], ["content-type", "application/json; charset=utf-8"]]));
    try {
      const answer = await fetch(server.url, { method: "POST" });
      expect(answer.headers.get("cache-control")).toBe("no-store");
      expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(await answer.text()).toBe('{"data":{}}');
    } finally {
      await server.close();
    }
  });
});

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import { GraphQLError } from "graphql";
import { wwwAuthenticatePlugin } from "../../src/apollo/plugins/www-authenticate";
import { LogoutDocument } from "../generated/graphql";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser } from "../support/users";

const post = (url: string, query: string, authorization?: string) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(authorization && { authorization }) }, body: JSON.stringify({ query }) });

describe("WWW-Authenticate on 401 (RFC 6750)", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw?.close());

  it("names the Bearer scheme and invalid_token when a presented token is refused", async () => {
    const forged = await post(gw.url, "{ me { sub } }", "Bearer aaa.bbb.ccc");
    expect(forged.status).toBe(401);
    expect(forged.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    const wrongScheme = await post(gw.url, "{ me { sub } }", "Basic dXNlcjpwYXNz");
    expect(wrongScheme.status).toBe(401);
    expect(wrongScheme.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
  });

  it("does so for a token that was valid and has been revoked", async () => {
    const user = await enrolledUser(gw);
    await gw.run(LogoutDocument, { refreshToken: user.refreshToken }, { token: user.accessToken });
    const response = await post(gw.url, "{ me { sub } }", `Bearer ${user.accessToken}`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect(((await response.json()) as { errors: { extensions: { reason: string } }[] }).errors[0]?.extensions.reason).toBe("TOKEN_REVOKED");
  });

  it("adds nothing to answers that are not 401", async () => {
    const user = await enrolledUser(gw);
    const ok = await post(gw.url, "{ me { sub } }", `Bearer ${user.accessToken}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("www-authenticate")).toBeNull();
    // Anonymous callers of a protected field get the GraphQL error in a 200, as before.
    const anonymous = await post(gw.url, "{ me { sub } }");
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get("www-authenticate")).toBeNull();
  });

  it("also covers a 401 set while the operation runs (not only at context creation)", async () => {
    const apollo = new ApolloServer({
      typeDefs: "type Query { secret: String }",
      resolvers: { Query: { secret: () => { throw new GraphQLError("no", { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } }); } } },
      plugins: [wwwAuthenticatePlugin()],
    });
    await apollo.start();
    const app = express();
    app.use("/graphql", express.json(), expressMiddleware(apollo));
    const server: Server = createServer(app);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
      const anonymous = await post(url, "{ secret }");
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toBe("Bearer");
      expect((await post(url, "{ secret }", "Bearer x")).headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      await apollo.stop();
    }
  });
});

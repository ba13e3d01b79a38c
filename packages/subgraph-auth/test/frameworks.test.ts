import { createServer, type IncomingMessage, type Server } from "node:http";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import { graphql } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { deny, shield } from "graphql-shield";
import { createYoga } from "graphql-yoga";
import { AssertionRefusedError, createSubgraphAuth, type SubgraphAuth, type SubgraphContext } from "@hipaa-auth-gateway/subgraph-auth";
import { subgraphRules } from "@hipaa-auth-gateway/subgraph-auth/shield";
import { audience, issuer, patient, post, startGatewayKeys, urlOf, whoamiSchema } from "./support";

const query = "query Who { whoami groups }";
const listen = async (server: Server) => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return server;
};
const close = (server: Server) => new Promise<void>((r) => server.close(() => r()));

let keys: Awaited<ReturnType<typeof startGatewayKeys>>;
beforeAll(async () => {
  keys = await startGatewayKeys();
});
afterAll(() => keys.close());

const authFor = (mode: "reject" | "anonymous"): SubgraphAuth => createSubgraphAuth({ gatewayJwksUri: keys.jwksUri, issuer, audience, onMissingOrInvalid: mode });
const sign = (operation: { query: string; variables?: unknown }, who = patient) => keys.asserter.sign(who, audience, { query: operation.query, variables: operation.variables });

/** The same expectations for every server: a signed caller is known, no assertion is 401, a replay is 401. */
const behavesAsASubgraph = (start: (auth: SubgraphAuth) => Promise<{ url: string; stop(): Promise<void> }>) => {
  let server: { url: string; stop(): Promise<void> };
  beforeAll(async () => {
    server = await start(authFor("reject"));
  });
  afterAll(() => server.stop());

  it("knows the caller the gateway signed for", async () => {
    const answer = await post(server.url, query, sign({ query }));
    expect(answer).toEqual({ status: 200, body: { data: { whoami: "patient-1", groups: ["patient"] } } });
  });

  it("answers 401 UNAUTHENTICATED without an assertion, and for a replayed one", async () => {
    const missing = await post(server.url, query);
    expect(missing.status).toBe(401);
    expect(missing.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "MISSING" });
    const assertion = sign({ query });
    expect((await post(server.url, query, assertion)).status).toBe(200);
    const replayed = await post(server.url, query, assertion);
    expect(replayed.status).toBe(401);
    expect(replayed.body.errors?.[0]).toMatchObject({ message: "The identity assertion is not valid.", extensions: { code: "UNAUTHENTICATED", reason: "REPLAYED" } });
  });

  it("refuses an assertion issued for other variables", async () => {
    const echo = "query Echo($x: String) { echo(text: $x) }";
    expect((await post(server.url, echo, sign({ query: echo, variables: { x: "a" } }), { x: "a" })).body).toEqual({ data: { echo: "a" } });
    const answer = await post(server.url, echo, sign({ query: echo, variables: { x: "a" } }), { x: "b" });
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0]?.extensions?.["reason"]).toBe("OPERATION_MISMATCH");
  });
};

describe("with Apollo Server (express)", () => {
  behavesAsASubgraph(async (auth) => {
    const apollo = new ApolloServer<SubgraphContext>({ schema: whoamiSchema });
    await apollo.start();
    const app = express();
    app.use("/graphql", express.json(), expressMiddleware(apollo, { context: ({ req }) => auth.identify(req.headers, req.body as { query: string; variables?: unknown }) }));
    const server = await listen(createServer(app));
    return { url: urlOf(server), stop: async () => {
        await close(server);
        await apollo.stop();
      } };
  });
});

describe("with GraphQL Yoga", () => {
  behavesAsASubgraph(async (auth) => {
    const yoga = createYoga<Record<string, never>, SubgraphContext>({
      schema: whoamiSchema,
      logging: false,
      context: ({ request, params }) => auth.identify(request.headers, { query: params.query ?? "", variables: params.variables }),
    });
    const server = await listen(createServer(yoga));
    return { url: urlOf(server), stop: () => close(server) };
  });
});

describe("with plain node:http and graphql-js", () => {
  const readJson = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as { query: string; variables?: Record<string, unknown> };
  };
  behavesAsASubgraph(async (auth) => {
    const server = await listen(
      createServer(async (req, res) => {
        const body = await readJson(req);
        res.setHeader("content-type", "application/json");
        try {
          const context = await auth.identify(req.headers, body);
          res.end(JSON.stringify(await graphql({ schema: whoamiSchema, source: body.query, variableValues: body.variables, contextValue: context })));
        } catch (error) {
          if (!(error instanceof AssertionRefusedError)) throw error;
          res.statusCode = error.status;
          res.end(JSON.stringify({ errors: [error.toJSON()] }));
        }
      }),
    );
    return { url: urlOf(server), stop: () => close(server) };
  });
});

describe("shield rules and anonymous mode", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const permissions = shield({ Query: { whoami: subgraphRules.isAuthenticated, groups: subgraphRules.hasGroup("provider", "admin") } }, { fallbackRule: deny, allowExternalErrors: true, fallbackError: "denied" });
    const schema = applyMiddleware(whoamiSchema, permissions);
    const yoga = createYoga<Record<string, never>, SubgraphContext>({ schema, logging: false, maskedErrors: false, context: ({ request, params }) => authFor("anonymous").identify(request.headers, { query: params.query ?? "" }) });
    server = await listen(createServer(yoga));
    url = urlOf(server);
  });
  afterAll(() => close(server));

  it("lets an anonymous caller through the context and stops it at the rule", async () => {
    const answer = await post(url, "{ whoami }", "not-a-jwt");
    expect(answer.body.errors?.[0]?.extensions?.["code"]).toBe("UNAUTHENTICATED");
    expect(answer.body.data).toEqual({ whoami: null });
  });

  it("answers FORBIDDEN to a caller outside the group, and lets a provider in", async () => {
    const forbidden = await post(url, "{ groups }", sign({ query: "{ groups }" }));
    expect(forbidden.body.errors?.[0]?.extensions?.["code"]).toBe("FORBIDDEN");
    const provider = await post(url, "{ groups }", sign({ query: "{ groups }" }, { ...patient, groups: ["provider"] }));
    expect(provider.body).toEqual({ data: { groups: ["provider"] } });
  });
});

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from "graphql";
import type { SubgraphContext } from "@hipaa-auth-gateway/subgraph-auth";
// The gateway's own signer: the package is tested against what the gateway really sends.
import { generateSigningKey, IdentityAsserter } from "../../../src/federation/identity-token";

export const issuer = "auth-gateway-package-test";
export const audience = "patients";
export const patient = { sub: "patient-1", groups: ["patient"], sessionId: "session-1" };

/** The gateway's side: a signing key, its published JWKS on a real HTTP endpoint, and the signer. */
export const startGatewayKeys = async () => {
  const asserter = new IdentityAsserter({ keys: [generateSigningKey("test-key")], issuer, clock: { now: () => Date.now() } });
  const server: Server = createServer((_req, res) => res.setHeader("content-type", "application/json").end(JSON.stringify(asserter.jwks())));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    asserter,
    jwksUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
};

/** A subgraph schema that answers with what it was told about the caller. */
export const whoamiSchema = new GraphQLSchema({
  query: new GraphQLObjectType<unknown, SubgraphContext>({
    name: "Query",
    fields: {
      whoami: { type: GraphQLString, resolve: (_p, _a, ctx) => ctx.identity?.sub ?? null },
      echo: { type: GraphQLString, args: { text: { type: GraphQLString } }, resolve: (_p, args: { text?: string | null }) => args.text ?? null },
      groups: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLString))), resolve: (_p, _a, ctx) => ctx.identity?.groups ?? [] },
    },
  }),
});

export type Answer = { status: number; body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } };

/** POSTs an operation as the gateway does: JSON body, the assertion header when given. */
export const post = async (url: string, query: string, assertion?: string, variables?: Record<string, unknown>): Promise<Answer> => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(assertion && { "x-identity-assertion": assertion }) },
    body: JSON.stringify({ query, ...(variables && { variables }) }),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
};

export const urlOf = (server: Server, path = "/graphql") => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;

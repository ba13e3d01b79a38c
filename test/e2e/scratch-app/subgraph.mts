// A subgraph as a subgraph team writes it from the package README (plain Node + graphql-js), in "reject" mode.
import { createServer } from "node:http";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { graphql, parse } from "graphql";
import { AssertionRefusedError, createSubgraphAuth, type SubgraphContext } from "@hipaa-auth-gateway/subgraph-auth";

const auth = createSubgraphAuth({
  gatewayJwksUri: process.env["GATEWAY_JWKS_URI"] ?? "",
  issuer: process.env["GATEWAY_ISSUER"] ?? "",
  audience: "notes",
  onMissingOrInvalid: "reject",
});

const schema = buildSubgraphSchema({
  typeDefs: parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { "The caller's sub, as the gateway asserted it." whoami: String }
  `),
  resolvers: { Query: { whoami: (_: unknown, __: unknown, context: unknown) => (context as SubgraphContext).identity?.sub ?? null } },
});

const server = createServer((req, res) => {
  let text = "";
  req.on("data", (chunk: Buffer) => (text += chunk.toString()));
  req.on("end", () => {
    void (async () => {
      const body = JSON.parse(text || "{}") as { query?: string; variables?: Record<string, unknown> };
      res.setHeader("content-type", "application/json");
      try {
        const context = await auth.identify(req.headers, { query: body.query ?? "", variables: body.variables });
        res.end(JSON.stringify(await graphql({ schema, source: body.query ?? "", variableValues: body.variables ?? null, contextValue: context })));
      } catch (error) {
        if (!(error instanceof AssertionRefusedError)) throw error;
        res.statusCode = error.status;
        res.end(JSON.stringify({ errors: [error.toJSON()] }));
      }
    })();
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}\n`);
});

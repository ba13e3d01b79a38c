import "reflect-metadata";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import { buildSubgraphSchema } from "@apollo/subgraph";
import express from "express";
import { parse } from "graphql";
import { port, ready } from "./shared";

/**
 * The trivial product subgraph both federation contenders put in front of: one field, no authentication
 * of its own (it ignores the gateway's identity assertion), so what is measured is the gateways.
 */
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Product @key(fields: "id") { id: ID! name: String! }
  type Query { product: Product! }
`);

const main = async () => {
  const product = { id: "p1", name: "Bench product" };
  const schema = buildSubgraphSchema({ typeDefs, resolvers: { Query: { product: () => product } } });
  const apollo = new ApolloServer({ schema, stopOnTerminationSignals: false, plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()] });
  await apollo.start();
  const app = express();
  app.use("/graphql", express.json(), expressMiddleware(apollo));
  const server = app.listen(port(), "127.0.0.1", () => ready((server.address() as { port: number }).port));
};
void main();
// A clean exit on SIGINT, so --cpu-prof can write its profile.
process.once("SIGINT", () => process.exit(0));

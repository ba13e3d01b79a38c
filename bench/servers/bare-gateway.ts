import "reflect-metadata";
import { ApolloGateway, IntrospectAndCompose } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import { port, ready } from "./shared";

/** Bare @apollo/gateway on express 5 in front of the product subgraph (SUBGRAPH_URL): no authentication at all. */
const main = async () => {
  const gateway = new ApolloGateway({ supergraphSdl: new IntrospectAndCompose({ subgraphs: [{ name: "product", url: String(process.env["SUBGRAPH_URL"]) }] }) });
  const apollo = new ApolloServer({ gateway, plugins: [ApolloServerPluginLandingPageDisabled()], stopOnTerminationSignals: false });
  await apollo.start();
  const app = express();
  app.use("/graphql", express.json(), expressMiddleware(apollo));
  const server = app.listen(port(), "127.0.0.1", () => ready((server.address() as { port: number }).port));
};
void main();
// A clean exit on SIGINT, so --cpu-prof can write its profile.
process.once("SIGINT", () => process.exit(0));

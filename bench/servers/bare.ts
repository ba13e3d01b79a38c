import "reflect-metadata";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import type { GatewayContext } from "../../src/context/gateway-context";
import { buildGatewaySchema } from "../../src/schema/build-schema";
import { identityFromClaims, port, ready } from "./shared";

/** (1) Bare Apollo Server 5 on express 5, the gateway's schema, no authentication at all. */
const main = async () => {
  const apollo = new ApolloServer<GatewayContext>({ schema: buildGatewaySchema(), plugins: [ApolloServerPluginLandingPageDisabled()], stopOnTerminationSignals: false });
  await apollo.start();
  const identity = identityFromClaims({ sub: "bench-user" });
  const app = express();
  app.use("/graphql", express.json(), expressMiddleware(apollo, { context: async () => ({ identity }) as unknown as GatewayContext }));
  const server = app.listen(port(), "127.0.0.1", () => ready((server.address() as { port: number }).port));
};
void main();

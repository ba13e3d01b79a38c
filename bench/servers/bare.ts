import "reflect-metadata";
import { setImmediate as nextTurn } from "node:timers/promises";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import type { GatewayContext } from "../../src/context/gateway-context";
import { buildGatewaySchema } from "../../src/schema/build-schema";
import { identityFromClaims, port, ready } from "./shared";

/**
 * (1) Bare Apollo Server 5 on express 5, the gateway's schema, no authentication at all.
 * BARE_YIELD=1: the control — the same, with the one event-loop turn the gateway's context builder takes.
 */
const main = async () => {
  const yieldFirst = process.env["BARE_YIELD"] === "1";
  const apollo = new ApolloServer<GatewayContext>({ schema: buildGatewaySchema(), plugins: [ApolloServerPluginLandingPageDisabled()], stopOnTerminationSignals: false });
  await apollo.start();
  const identity = identityFromClaims({ sub: "bench-user" });
  const app = express();
  const context = yieldFirst
    ? async () => {
        await nextTurn();
        return { identity } as unknown as GatewayContext;
      }
    : async () => ({ identity }) as unknown as GatewayContext;
  app.use("/graphql", express.json(), expressMiddleware(apollo, { context }));
  const server = app.listen(port(), "127.0.0.1", () => ready((server.address() as { port: number }).port));
};
void main();

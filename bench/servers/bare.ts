import "reflect-metadata";
import { createServer } from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import type { GatewayContext } from "../../src/context/gateway-context";
import { RequestRouter } from "../../src/http/request-router";
import { buildGatewaySchema } from "../../src/features/build-schema";
import { createSharedTurn } from "../../src/shared/shared-turn";
import { exitCleanlyWithProfile, identityFromClaims, port, ready } from "./shared";

/**
 * (1) Bare Apollo Server 5 on express 5, the gateway's schema, no authentication at all.
 * BARE_STACK=gateway: the control — the same Apollo on the gateway's own HTTP stack (its request router,
 * which sends POST /graphql straight to Apollo), with the gateway's context builder's event-loop turn
 * when BARE_YIELD=1; no security layer.
 */
const main = async () => {
  const gatewayStack = process.env["BARE_STACK"] === "gateway";
  const apollo = new ApolloServer<GatewayContext>({ schema: buildGatewaySchema(), plugins: [ApolloServerPluginLandingPageDisabled()], stopOnTerminationSignals: false });
  await apollo.start();
  const identity = identityFromClaims({ sub: "bench-user" });
  const listening = (server: { address(): unknown }) => () => ready((server.address() as { port: number }).port);
  if (gatewayStack) {
    const yieldFirst = process.env["BARE_YIELD"] === "1";
    // The gateway's context timing: the event-loop turn it shares among the requests read together.
    const nextTurn = createSharedTurn();
    const buildContext = async () => {
      if (yieldFirst) await nextTurn();
      return { identity } as unknown as GatewayContext;
    };
    const router = new RequestRouter(express(), { corsConfigured: false });
    router.routeGraphql({ apollo, buildContext });
    const server = createServer(router.listener);
    server.listen(port(), "127.0.0.1", listening(server));
    return;
  }
  const app = express();
  app.use("/graphql", express.json(), expressMiddleware(apollo, { context: () => Promise.resolve({ identity } as unknown as GatewayContext) }));
  const server = app.listen(port(), "127.0.0.1", () => ready((server.address() as { port: number }).port));
};
void main();
exitCleanlyWithProfile();

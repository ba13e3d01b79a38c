import type { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type Express } from "express";
import { createContextBuilder, type ContextDeps } from "../context/build-context";
import type { GatewayContext } from "../context/gateway-context";
import { malformedRequestHandler, requireJsonObject } from "./malformed-request";

/** The GraphQL route: body limits, malformed requests answered as GraphQL errors, the context per request. */
export const mountGraphql = (app: Express, apollo: ApolloServer<GatewayContext>, deps: ContextDeps, trustForwardedClientIp: boolean): void => {
  const buildContext = createContextBuilder({ ...deps, trustForwardedClientIp });
  app.use(
    "/graphql",
    express.json({ limit: "64kb" }),
    requireJsonObject,
    expressMiddleware(apollo, { context: async ({ req, res }) => buildContext({ req, requestId: String(res.locals["requestId"]) }) }),
  );
  app.use(malformedRequestHandler);
};


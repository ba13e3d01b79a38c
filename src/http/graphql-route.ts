import type { ApolloServer } from "@apollo/server";
import express, { type Express } from "express";
import { createContextBuilder, type ContextDeps } from "../context/build-context";
import type { GatewayContext } from "../context/gateway-context";
import { executeGraphql, graphqlBodyLimitBytes } from "./graphql-handler";
import { malformedRequestHandler, requireJsonObject } from "./malformed-request";
import type { RequestRouter } from "./request-router";

/** Matches the path `/graphql` only: case-sensitive, no trailing slash, nothing below it. */
const exactGraphqlPath = /^\/graphql$/;

/**
 * The GraphQL route: body limits, malformed requests answered as GraphQL errors, the context per request.
 * `POST /graphql` with a JSON body is routed straight to Apollo (request-router.ts); the rest comes through express.
 */
export const mountGraphql = (app: Express, router: Pick<RequestRouter, "routeGraphql">, apollo: ApolloServer<GatewayContext>, deps: ContextDeps, trustForwardedClientIp: boolean): void => {
  const build = createContextBuilder({ ...deps, trustForwardedClientIp });
  const buildContext = (req: Parameters<typeof build>[0]["req"], requestId: string) => build({ req, requestId });
  // Exactly `/graphql`: express would otherwise also run GraphQL at /GRAPHQL, /graphql/ and /graphql/x
  // (prefix, case-insensitive), outside the API's headers. Everything else falls through to a 404.
  app.all(exactGraphqlPath, express.json({ limit: graphqlBodyLimitBytes }), requireJsonObject, (req, res, next) => {
    // The shell already set the headers it owns (security, request id): Apollo's are added to them.
    executeGraphql(apollo, req, res, req.body, String(res.locals["requestId"]), buildContext).catch(next);
  });
  app.use(malformedRequestHandler);
  router.routeGraphql({ apollo, buildContext });
};

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { allow } from "graphql-shield";
import { applyMiddleware } from "graphql-middleware";
import { hardenedApolloOptions } from "./apollo/options";
import type { GatewayContext } from "./context/gateway-context";
import { formatError } from "./errors/to-graphql-error";
import { Drain } from "./http/drain";
import type { BuiltGateway } from "./http/built-gateway";
import type { GatewayDeps } from "./http/gateway-deps";
import { mountGraphql } from "./http/graphql-route";
import { RequestRouter } from "./http/request-router";
import { createHttpShell } from "./http/shell";
import { assembleApi } from "./features/assemble";
import { allFeatures } from "./features/features";
import { createPermissions, type PermissionMap } from "./permissions/permissions";
import { createRateLimits, rateLimitMiddleware, type RateLimits } from "./permissions/rate-limits";

export type { GatewayDeps } from "./http/gateway-deps";

/** How long a stop waits for in-flight requests before it cuts the remaining connections. */
export const drainBudgetMs = 8000;

/** Every mutation is rate-limited, alias by alias: anyone's by address and email, a signed-in user's by account. */
const rateLimitedMutations = (permissions: PermissionMap, limits: RateLimits) =>
  Object.fromEntries(Object.entries(permissions.Mutation).map(([field, rule]) => [field, rateLimitMiddleware(limits, rule === allow ? "anonymous" : "signedIn")]));

export type RunningGateway = { url: string; port: number; close(): Promise<void> };
export type { BuiltGateway } from "./http/built-gateway";

export const createGateway = async (deps: GatewayDeps): Promise<BuiltGateway> => {
  const subgraph = deps.schemaKind === "auth-subgraph";
  // Only the enabled features are served: a feature that is off has no field, rule or limit here.
  const api = assembleApi(deps.features ?? allFeatures, subgraph ? "auth-subgraph" : "standalone");
  const limits = createRateLimits(deps.store, deps.rateLimits, deps.refusals, api.limits);
  const schema = applyMiddleware(api.schema, createPermissions(api.permissions, subgraph), { Mutation: rateLimitedMutations(api.permissions, limits) });
  // Inside gateway mode the supergraph already logs and meters the client's request.
  const apollo = new ApolloServer<GatewayContext>({ schema, formatError, ...hardenedApolloOptions(deps, { logRequests: !subgraph }) });
  await apollo.start();
  const drain = new Drain();
  const app = createHttpShell({ ...deps, drain });
  const router = new RequestRouter(app, { corsConfigured: deps.corsOrigins.length > 0, drain });
  mountGraphql(app, router, apollo, deps, subgraph);
  return { app, listener: router.listener, apollo, drain };
};

/** Starts listening; `close` drains (stop accepting, finish in flight, close keep-alives) and stops Apollo. */
export const listen = async (gateway: BuiltGateway, port: number, host: string, keepAliveSeconds?: number): Promise<RunningGateway> => {
  const server: Server = await new Promise((resolve, reject) => {
    const s = createServer(gateway.listener);
    s.once("error", reject);
    s.listen(port, host, () => {
      s.off("error", reject);
      resolve(s);
    });
  });
  if (keepAliveSeconds !== undefined) {
    // Longer than the load balancer's idle timeout, so it never reuses a connection Node is closing (502s);
    // headersTimeout must exceed keepAliveTimeout or Node cuts a reused connection's next request.
    server.keepAliveTimeout = keepAliveSeconds * 1000;
    server.headersTimeout = (keepAliveSeconds + 5) * 1000;
  }
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host === "0.0.0.0" || host === "127.0.0.1" ? "localhost" : host;
  return {
    url: `http://${shownHost}:${actual}/graphql`,
    port: actual,
    close: async () => {
      await gateway.drain.stop(server, drainBudgetMs);
      await gateway.apollo.stop();
    },
  };
};

import type { Server } from "node:http";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type Express, type Router } from "express";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import cors from "cors";
import { allow } from "graphql-shield";
import { applyMiddleware } from "graphql-middleware";
import helmet from "helmet";
import type { IdentityProvider } from "./auth/identity-provider";
import { createContextBuilder, requestIdOf, type ContextDeps } from "./context/build-context";
import type { GatewayContext } from "./context/gateway-context";
import type { AccessTokenVerifier } from "./context/token-verifier";
import { formatError, isExpectedError } from "./errors/to-graphql-error";
import { createPermissions, permissionMap } from "./permissions/permissions";
import { createRateLimits, rateLimitMiddleware } from "./policy/rate-limits";
import { buildAuthSubgraphSchema } from "./federation/auth-subgraph-schema";
import { buildGatewaySchema } from "./schema/build-schema";
import type { GatewayMetrics } from "./ops/metrics";
import type { Logger } from "./shared/logger";
import type { StateStore } from "./store/state-store";

export type GatewayDeps = ContextDeps & {
  verifier: AccessTokenVerifier;
  store: StateStore;
  idp: Pick<IdentityProvider, "checkReachable">;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Dev mode: introspection and field suggestions on. */
  dev: boolean;
  corsOrigins: string[];
  rateLimits: { address: number; account: number };
  playground: boolean;
  /** `auth-subgraph`: the same API as a federation subgraph, for the supergraph in gateway mode. */
  schemaKind?: "standalone" | "auth-subgraph";
  /** Hosted login's browser routes (/auth/login, /auth/callback, /auth/logout), when configured. */
  oauthRoutes?: Router | undefined;
};

/** The playground's static bundle (`npm run build` makes it from GraphiQL on npm: nothing from a CDN). */
const playgroundDir = resolve(__dirname, "..", "dist-playground");

/** Limits on the shape of a document, before anything runs (graphql-armor). */
export const armorFor = (dev: boolean) =>
  new ApolloArmor({
    maxDepth: { n: 8 },
    maxAliases: { n: 15 },
    maxDirectives: { n: 10 },
    maxTokens: { n: 1500 },
    costLimit: { maxCost: 5000 },
    blockFieldSuggestion: { enabled: !dev },
  }).protect();

/** Every mutation anyone may call (allow in the permission map) is rate-limited, alias by alias. */
const rateLimitedMutations = (limits: ReturnType<typeof createRateLimits>) =>
  Object.fromEntries(
    Object.entries(permissionMap.Mutation)
      .filter(([, rule]) => rule === allow)
      .map(([field]) => [field, rateLimitMiddleware(limits)]),
  );

export type RunningGateway = { url: string; port: number; close(): Promise<void> };

/** Logs what the client only sees masked, with the request id that ties the two together. */
const unexpectedErrorLogger = (logger: Logger): ApolloServerPlugin<GatewayContext> => ({
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        for (const error of errors) {
          if (isExpectedError(error)) continue;
          const cause = error.originalError ?? error;
          // The first stack line repeats the message, which may quote input: keep the frames only.
          logger.error({ requestId: contextValue?.meta?.requestId, name: cause.name, stack: cause.stack?.split("\n").slice(1, 8).join("\n") }, "unexpected error (masked)");
        }
      },
    };
  },
});

/** One line per request: id, operation, duration, outcome; at debug also headers and (redacted) variables. */
const requestLogger = (logger: Logger, metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> => ({
  async requestDidStart({ request, contextValue }) {
    const started = performance.now();
    if (logger.isLevelEnabled?.("debug") ?? true) {
      logger.debug({ requestId: contextValue.meta.requestId, req: { headers: Object.fromEntries(request.http?.headers ?? []) }, variables: request.variables }, "request");
    }
    return {
      async willSendResponse({ operationName, operation, response }) {
        // Metrics are labelled by the root field (bounded by the schema), never by the client-chosen name.
        const first = operation?.selectionSet.selections[0];
        const rootField = first?.kind === "Field" ? first.name.value : null;
        // The formatted errors: the codes the client saw.
        const sent = response.body.kind === "single" ? (response.body.singleResult.errors ?? []) : [];
        const codes = sent.map((e) => String(e.extensions?.["code"] ?? "INTERNAL_SERVER_ERROR"));
        const durationMs = performance.now() - started;
        const outcome = codes.length ? "error" : "ok";
        metrics.observeRequest(rootField, outcome, durationMs / 1000);
        logger.info({ requestId: contextValue.meta.requestId, operationName: operationName ?? null, durationMs: Math.round(durationMs * 10) / 10, outcome, errorCodes: codes }, "graphql request");
      },
    };
  },
});

const readiness = async (deps: Pick<GatewayDeps, "verifier" | "idp" | "store">): Promise<Record<string, string>> => {
  const check = async (name: string, run: () => Promise<void>): Promise<[string, string]> => {
    try {
      await run();
      return [name, "ok"];
    } catch {
      return [name, "unavailable"];
    }
  };
  const results = await Promise.all([
    check("jwks", () => (deps.verifier.hydrated ? Promise.resolve() : deps.verifier.hydrate())),
    check("identityProvider", () => deps.idp.checkReachable()),
    check("store", () => deps.store.ping()),
  ]);
  return Object.fromEntries(results);
};

/** Everything around /graphql: headers, request ids, health, readiness, metrics and the playground. */
export const createHttpShell = (deps: Pick<GatewayDeps, "verifier" | "idp" | "store" | "metrics" | "corsOrigins" | "playground" | "oauthRoutes">): Express => {
  const app = express();
  app.disable("x-powered-by");
  app.use(helmet());
  // No Access-Control headers at all unless origins are configured: browsers then refuse cross-origin calls.
  if (deps.corsOrigins.length > 0) app.use(cors({ origin: deps.corsOrigins, methods: ["GET", "POST"], maxAge: 600 }));
  app.use((req, res, next) => {
    const requestId = requestIdOf(req);
    res.locals["requestId"] = requestId;
    res.setHeader("x-request-id", requestId);
    next();
  });
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  // Operation and event names only; still, expose it to the monitoring network, not the internet.
  app.get("/metrics", async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.get("/readyz", async (_req, res) => {
    const checks = await readiness(deps);
    const ready = Object.values(checks).every((v) => v === "ok");
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", checks });
  });
  if (deps.oauthRoutes) app.use(deps.oauthRoutes);
  if (deps.playground) {
    if (!existsSync(resolve(playgroundDir, "index.html"))) throw new Error("PLAYGROUND is on but the playground is not built: run npm run build");
    app.use("/", express.static(playgroundDir, { index: "index.html", maxAge: "1h" }));
  }
  return app;
};

/**
 * What every Apollo server of the gateway runs with (standalone, internal auth subgraph, supergraph):
 * document limits, no batching, no stack traces, introspection only in dev, masked-error logging and,
 * where it meets clients, request logs and metrics.
 */
export const hardenedApolloOptions = (deps: Pick<GatewayDeps, "dev" | "logger" | "metrics">, options: { logRequests: boolean }) => {
  const armor = armorFor(deps.dev);
  return {
    introspection: deps.dev,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationRules: armor.validationRules,
    // main.ts owns shutdown (HTTP server, store, cognito-local); Apollo's own signal handler would race it.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ...(options.logRequests ? [requestLogger(deps.logger, deps.metrics)] : []),
      unexpectedErrorLogger(deps.logger),
      ...armor.plugins,
    ],
  };
};

export const createGateway = async (deps: GatewayDeps): Promise<{ app: Express; apollo: ApolloServer<GatewayContext> }> => {
  const limits = createRateLimits(deps.store, deps.rateLimits);
  const subgraph = deps.schemaKind === "auth-subgraph";
  const base = subgraph ? buildAuthSubgraphSchema() : buildGatewaySchema();
  const schema = applyMiddleware(base, createPermissions(subgraph), { Mutation: rateLimitedMutations(limits) });
  // Inside gateway mode the supergraph already logs and meters the client's request.
  const apollo = new ApolloServer<GatewayContext>({ schema, formatError, ...hardenedApolloOptions(deps, { logRequests: !subgraph }) });
  await apollo.start();

  const app = createHttpShell(deps);
  const buildContext = createContextBuilder({ ...deps, trustForwardedClientIp: subgraph });
  app.use(
    "/graphql",
    express.json({ limit: "64kb" }),
    expressMiddleware(apollo, { context: async ({ req, res }) => buildContext({ req, requestId: String(res.locals["requestId"]) }) }),
  );
  return { app, apollo };
};

/** Starts listening; `close` stops accepting, lets in-flight requests finish and stops Apollo. */
export const listen = async (gateway: { app: Express; apollo: ApolloServer<GatewayContext> }, port: number, host: string): Promise<RunningGateway> => {
  const server: Server = await new Promise((resolve, reject) => {
    // Express 5 hands listen errors (EADDRINUSE…) to this callback.
    const s = gateway.app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host === "0.0.0.0" || host === "127.0.0.1" ? "localhost" : host;
  return {
    url: `http://${shownHost}:${actual}/graphql`,
    port: actual,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await gateway.apollo.stop();
    },
  };
};

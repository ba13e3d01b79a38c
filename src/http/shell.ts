import { existsSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { resolve } from "node:path";
import cors from "cors";
import express, { type Express } from "express";
import helmet from "helmet";
import { requestIdOf } from "../context/build-context";
import { setApiSecurityHeaders } from "./api-headers";
import type { Drain } from "./drain";
import type { GatewayDeps } from "./gateway-deps";
import { mountHealth } from "./readiness";
import { allFeatures, disabledOf, rootFieldsOf } from "../features/features";

/** The playground's static bundle (`npm run build` makes it from GraphiQL on npm: nothing from a CDN). */
const playgroundDir = resolve(__dirname, "..", "..", "dist-playground");

type ShellDeps = Pick<GatewayDeps, "verifier" | "idp" | "store" | "auditSink" | "metrics" | "metricsOnApiPort" | "corsOrigins" | "playground" | "oauthRoutes" | "hostedLoginDomain" | "features"> & { drain?: Drain };

const isGraphqlPath = (req: IncomingMessage): boolean => req.url === "/graphql" || req.url?.startsWith("/graphql?") === true;

/** Prometheus text of the gateway's registry. */
const mountMetrics = (app: Express, metrics: GatewayDeps["metrics"]): void => {
  app.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
};

/** METRICS_PORT's listener: /metrics and nothing else (404), no API, no playground. */
export const createMetricsApp = (metrics: GatewayDeps["metrics"]): Express => {
  const app = express();
  app.disable("x-powered-by");
  mountMetrics(app, metrics);
  return app;
};

/** Everything around /graphql: headers, request ids, health, readiness, metrics and the playground. */
export const createHttpShell = (deps: ShellDeps): Express => {
  const app = express();
  app.disable("x-powered-by");
  // While the server drains, every response tells its client to close the connection.
  if (deps.drain) app.use(deps.drain.middleware);
  // helmet's page-oriented headers (the long CSP) for what may be HTML; the JSON API's own set on /graphql.
  // A sign-out form on a gateway page (the playground) ends at the pool's /logout: a redirect form-action checks too.
  const formAction = ["'self'", ...(deps.hostedLoginDomain ? [new URL(deps.hostedLoginDomain).origin] : [])];
  const pageHeaders = helmet({ contentSecurityPolicy: { directives: { formAction } } });
  app.use((req, res, next) => {
    if (!isGraphqlPath(req)) {
      pageHeaders(req, res, next);
      return;
    }
    setApiSecurityHeaders(res);
    next();
  });
  // No Access-Control headers at all unless origins are configured: browsers then refuse cross-origin calls.
  if (deps.corsOrigins.length > 0) app.use(cors({ origin: deps.corsOrigins, methods: ["GET", "POST"], maxAge: 600 }));
  app.use((req, res, next) => {
    const requestId = requestIdOf(req);
    res.locals["requestId"] = requestId;
    res.setHeader("x-request-id", requestId);
    next();
  });
  mountHealth(app, deps);
  if (deps.oauthRoutes) app.use(deps.oauthRoutes);
  // Operation and event names only; still, expose it to the monitoring network, not the internet.
  if (deps.metricsOnApiPort !== false) mountMetrics(app, deps.metrics);
  if (deps.playground) {
    // Tells the playground whether to offer "Sign in with hosted login" (/auth/login exists), and what to leave
    // out: the cards and examples of the features that are off (DISABLED_FEATURES).
    const disabled = disabledOf(deps.features ?? allFeatures);
    const served = { hostedLogin: deps.oauthRoutes !== undefined, disabledFeatures: disabled.map((feature) => feature.name), disabledFields: disabled.flatMap(rootFieldsOf) };
    app.get("/playground/features.json", (_req, res) => {
      res.set("cache-control", "no-store").json(served);
    });
    if (!existsSync(resolve(playgroundDir, "index.html"))) throw new Error("PLAYGROUND is on but the playground is not built: run npm run build");
    app.use("/", express.static(playgroundDir, { index: "index.html", maxAge: "1h" }));
  }
  return app;
};

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import cors from "cors";
import express, { type Express } from "express";
import helmet from "helmet";
import { requestIdOf } from "../context/build-context";
import type { Drain } from "./drain";
import type { GatewayDeps } from "./gateway-deps";
import { mountHealth } from "./readiness";

/** The playground's static bundle (`npm run build` makes it from GraphiQL on npm: nothing from a CDN). */
const playgroundDir = resolve(__dirname, "..", "..", "dist-playground");

type ShellDeps = Pick<GatewayDeps, "verifier" | "idp" | "store" | "auditSink" | "metrics" | "corsOrigins" | "playground" | "oauthRoutes"> & { drain?: Drain };

/** Everything around /graphql: headers, request ids, health, readiness, metrics and the playground. */
export const createHttpShell = (deps: ShellDeps): Express => {
  const app = express();
  app.disable("x-powered-by");
  // While the server drains, every response tells its client to close the connection.
  if (deps.drain) app.use(deps.drain.middleware);
  app.use(helmet());
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
  app.get("/metrics", async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  if (deps.playground) {
    if (!existsSync(resolve(playgroundDir, "index.html"))) throw new Error("PLAYGROUND is on but the playground is not built: run npm run build");
    app.use("/", express.static(playgroundDir, { index: "index.html", maxAge: "1h" }));
  }
  return app;
};

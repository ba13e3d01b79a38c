import type { Router } from "express";
import type { IdentityProvider } from "../auth/identity-provider";
import type { AggregatedRecords } from "../audit/aggregated-records";
import type { AuditSink } from "../audit/audit-log";
import type { ContextDeps } from "../context/build-context";
import type { Feature } from "../features/feature";
import type { AccessTokenVerifier } from "../context/token-verifier";
import type { GatewayMetrics } from "../ops/metrics";
import type { Logger } from "../shared/logger";
import type { StateStore } from "../store/state-store";

/** Everything the HTTP and Apollo layers need, built once by the composition root (app.ts). */
export type GatewayDeps = ContextDeps & {
  verifier: AccessTokenVerifier;
  store: StateStore;
  idp: Pick<IdentityProvider, "checkReachable">;
  /** Readiness asks it whether records can be written. */
  auditSink: Pick<AuditSink, "check">;
  /** Records waiting locally for the sink: a readiness detail (not a failure by itself). */
  auditSpool?: { readonly backlog: number } | undefined;
  /** Cheap refusals (throttled attempts), recorded aggregated. */
  refusals: Pick<AggregatedRecords, "note">;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Dev mode: introspection and field suggestions on. */
  dev: boolean;
  corsOrigins: string[];
  rateLimits: { address: number; account: number; signedIn: number };
  playground: boolean;
  /** /metrics on this (the API) listener; false when METRICS_PORT gives it a listener of its own, and always in production. */
  metricsOnApiPort?: boolean;
  /** server.keepAliveTimeout in seconds (HTTP_KEEP_ALIVE_SECONDS); unset = Node's default. */
  keepAliveSeconds?: number | undefined;
  /** Hosted login's browser routes (/auth/login, /auth/callback, /auth/logout), when configured. */
  oauthRoutes?: Router | undefined;
  /** The hosted-login domain: POST /auth/logout from a gateway page redirects there (CSP form-action allows it). */
  hostedLoginDomain?: string | undefined;
  /** `auth-subgraph`: the same API as a federation subgraph, for the supergraph in gateway mode. */
  schemaKind?: "standalone" | "auth-subgraph";
  /** The features served (DISABLED_FEATURES leaves some out); unset = all of them. */
  features?: readonly Feature[] | undefined;
};

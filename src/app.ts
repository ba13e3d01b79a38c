import { AggregatedRecords } from "./audit/aggregated-records";
import { AuditLog, type AuditSink } from "./audit/audit-log";
import { openAuditSink } from "./audit/open-sink";
import { AuditSpool } from "./audit/audit-spool";
import { isReadable } from "./audit/review/audit-reader";
import { CognitoIdentityProvider } from "./auth/cognito/cognito-identity-provider";
import { CognitoAdmin } from "./auth/cognito/cognito-admin";
import type { IdentityAdmin, IdentityProvider } from "./auth/identity-provider";
import { devMailNotifier, noMailNotifier, WebhookSecurityNotifier, type SecurityNotifier } from "./auth/factors/recovery/notifier";
import { WebhookEmergencyAlerts, type EmergencyAlerts } from "./auth/emergency/emergency-alerts";
import type { DurableTier } from "./db/durable-tier";
import { openStateStore } from "./db/open-state-store";
import type { Outbox } from "./db/outbox";
import { OutboxEmergencyAlerts, OutboxSecurityNotifier } from "./db/outbox-channels";
import { createServices, type Services } from "./auth/services";
import { loginFailureLimiter } from "./policy/address-limiter";
import type { CognitoSettings, Config } from "./config";
import { withTokenCache, type CachedVerifier } from "./context/token-cache";
import { createAccessTokenVerifier, webFetcher, type AccessTokenVerifier } from "./context/token-verifier";
import { GatewayMetrics } from "./ops/metrics";
import { readFileSync } from "node:fs";
import { generateSigningKey, IdentityAsserter, signingKeysFromPem } from "./federation/identity-token";
import { InternalIdentityChannel } from "./context/internal-identity";
import { ConfigError } from "./config-error";
import { disabledOf, enabledFeatures } from "./features/features";
import { fieldsOfDisabledFeatures } from "./features/supergraph-file";
import { createHostedLogin } from "./http/oauth/hosted-login";
import { createGateway, listen, type GatewayDeps, type RunningGateway } from "./server";
import { listenForMetrics } from "./http/metrics-listener";
import { assertProductionSettings } from "./production-requirements";
import { systemClock, type Clock } from "./shared/clock";
import { customAuthSigningKey } from "./shared/custom-auth-proof";
import { createLogger, type Logger } from "./shared/logger";
import type { StateStore } from "./store/state-store";

/** What the gateway needs once the identity provider is known (dev mode provisions it first). */
export type GatewaySettings = Omit<Config, "mode" | "localCognito" | "cognito"> & {
  dev: boolean;
  cognito: CognitoSettings & { credentials?: { accessKeyId: string; secretAccessKey: string }; emulator?: boolean };
};

/** Seams for tests: anything not given is built from the settings. */
export type GatewayOverrides = {
  clock?: Clock;
  store?: StateStore;
  auditSink?: AuditSink;
  logger?: Logger;
  idp?: IdentityProvider;
  admin?: IdentityAdmin;
  verifier?: AccessTokenVerifier;
  notifier?: SecurityNotifier;
  /** Tests only: the time a TOTP secret's codes are checked at (the emulator's per-secret clock). */
  totpTime?: (secret: string) => number;
  /**
   * Tests only: how long the answers that must not reveal whether an account exists (register, resend,
   * forgot password) take at least; default uniformAnswerFloorMs. Tests that measure those answers keep it.
   */
  answerFloorMs?: number | undefined;
};

export type StartedGateway = RunningGateway & {
  /** The port /metrics listens on when METRICS_PORT is set (0 there picks a free one). */
  metricsPort: number | undefined;
  services: Services;
  store: StateStore;
  verifier: CachedVerifier;
  asserter: IdentityAsserter | undefined;
  refusals: AggregatedRecords;
  emergencyAlerts: EmergencyAlerts;
  /** Set with DATABASE_URL: the lasting tier (pool, store generation) and the alert/notice outbox. */
  durable: DurableTier | undefined;
  outbox: Outbox | undefined;
  notifier: SecurityNotifier;
};

/** What every entry point shares: the server and each CLI get the same store, audit sink, audit log and services. */
export type GatewayCore = {
  clock: Clock;
  logger: Logger;
  metrics: GatewayMetrics;
  store: StateStore;
  /** The configured sink as opened (readable for audit review); `auditSink` is it, counted. */
  baseSink: AuditSink;
  auditSink: AuditSink;
  audit: AuditLog;
  idp: IdentityProvider;
  admin: IdentityAdmin;
  services: Services;
  emergencyAlerts: EmergencyAlerts;
  notifier: SecurityNotifier;
  /** Set with DATABASE_URL: the lasting tier (pool, store generation) and the alert/notice outbox. */
  durable: DurableTier | undefined;
  outbox: Outbox | undefined;
  /** The local spool for records that never wait on the sink (AUDIT_SPOOL_FILE). */
  spool: AuditSpool | undefined;
  /** Releases what the core opened (not an overridden store). */
  close(): Promise<void>;
};

/** TOTP_SEAL_KEY; only against the emulator (whose own signing key is public) a key derived from the pool. */
const totpSealKeyOf = (settings: GatewaySettings): string => {
  if (settings.totpSealKey !== undefined) return settings.totpSealKey;
  if (settings.cognito.emulator) return `not-secret:${settings.cognito.userPoolId}:${settings.cognito.clientId}`;
  throw new Error("TOTP_SEAL_KEY is required with a real Cognito pool (it seals the gateway's copy of each enrolled TOTP secret).");
};

/**
 * The one composition root: settings → store, audit sink (PostgreSQL when AUDIT_DATABASE_URL is set),
 * identity provider and services. `startGateway` puts HTTP on top of it; `npm run admin` uses it as it is.
 */
export const composeCore = async (settings: GatewaySettings, overrides: GatewayOverrides = {}): Promise<GatewayCore> => {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(settings.logLevel);
  // Production by construction: whatever a caller passes, no in-process store, file audit or emulator.
  if (settings.gatewayMode === "production") assertProductionSettings(settings, overrides);
  const opened = overrides.store ? undefined : await openStateStore(settings, clock, logger);
  const store = overrides.store ?? opened!.store;
  const durable = opened?.durable;
  const metrics = new GatewayMetrics(logger);
  const baseSink = overrides.auditSink ?? (await openAuditSink(settings, clock));
  const auditSink = metrics.countingSink(baseSink);
  const { cognito } = settings;
  const cognitoIdp = new CognitoIdentityProvider({
    clientId: cognito.clientId,
    clientSecret: cognito.clientSecret,
    region: cognito.region,
    endpoint: cognito.endpoint,
    credentials: cognito.credentials,
    emulator: cognito.emulator,
    customAuthKey: settings.customAuthPrivateKey === undefined ? undefined : customAuthSigningKey(settings.customAuthPrivateKey),
  });
  metrics.instrumentCognito(cognitoIdp.client);
  const idp = overrides.idp ?? cognitoIdp;
  const admin = overrides.admin ?? new CognitoAdmin({ client: cognitoIdp.client, userPoolId: cognito.userPoolId, emulator: cognito.emulator });
  const spool = settings.auditSpoolFile ? await AuditSpool.open(settings.auditSpoolFile, auditSink, (n) => metrics.faults.spoolBacklog.set(n), settings.auditWriteTimeoutMs) : undefined;
  const audit = new AuditLog({ sink: auditSink, clock, spool, onLostOutcome: () => metrics.faults.lostOutcomes.inc() });
  // With PostgreSQL, alerts and owner notices go through the durable outbox; dev without it delivers in-process.
  const outbox = durable?.openOutbox({
    targets: { alert: settings.emergency.alertWebhook, notice: settings.notices },
    retryDelaysMs: { alert: settings.emergency.alertRetryDelaysMs, notice: settings.notices?.retryDelaysMs ?? settings.emergency.alertRetryDelaysMs },
    audit,
    deadLettered: (channel) => (channel === "alert" ? metrics.countEmergency("alert_dead_letter") : undefined),
  });
  const emergencyAlerts: EmergencyAlerts = outbox
    ? new OutboxEmergencyAlerts({ outbox, settings: settings.emergency, logger, count: (event) => metrics.countEmergency(event) })
    : new WebhookEmergencyAlerts({ settings: settings.emergency, audit, logger, clock, count: (event) => metrics.countEmergency(event) });
  const webhookNotifier = settings.notices && (outbox ? new OutboxSecurityNotifier({ outbox }) : new WebhookSecurityNotifier({ settings: settings.notices, audit, logger, clock }));
  const notifier = overrides.notifier ?? webhookNotifier ?? (settings.dev ? devMailNotifier : noMailNotifier);
  if (!settings.dev && !settings.notices) logger.warn({ setting: "NOTICE_WEBHOOK_URL" }, "recovery-code notices to account owners are not sent (NOTICE_WEBHOOK_URL unset); the audit trail still records each use");
  const services = createServices({
    factorsOff: disabledOf(enabledFeatures(settings)).flatMap((feature) => (feature.factor === undefined ? [] : [feature.factor])),
    idp,
    admin,
    store,
    clock,
    audit,
    challengeTtlSeconds: settings.challengeTtlSeconds,
    sessionMaxAgeSeconds: settings.sessionMaxAgeSeconds,
    totpIssuer: settings.totpIssuer,
    totpTime: overrides.totpTime,
    answerFloorMs: overrides.answerFloorMs,
    totpSealKey: totpSealKeyOf(settings),
    policy: settings.policy,
    webauthn: settings.webauthn,
    customAuth: settings.customAuthPrivateKey !== undefined,
    notifier,
    loginFailuresByAddress: loginFailureLimiter(store, settings.policy.loginFailuresPerAddress),
    auditReader: isReadable(baseSink) ? baseSink.reader() : undefined,
    emergency: { settings: settings.emergency, alerts: emergencyAlerts },
    clientTokens: settings.clientTokens,
    tokenCacheSize: settings.tokenCacheSize,
  });
  return {
    clock,
    logger,
    metrics,
    store,
    baseSink,
    auditSink,
    audit,
    idp,
    admin,
    services,
    emergencyAlerts,
    notifier,
    durable,
    outbox,
    spool,
    close: async () => {
      // The outbox stops polling first; deliveries under way are not waited for (their leases pass them on).
      outbox?.stop();
      await emergencyAlerts.settled();
      // The notices as the services send them (also to a previous address), so settling waits for those too.
      await services.notices.settled();
      await spool?.close();
      await auditSink.close?.();
      await opened?.close();
      cognitoIdp.client.destroy();
    },
  };
};

/** The composition root: settings → dependencies (composeCore) → listening server. */
export const startGateway = async (settings: GatewaySettings, overrides: GatewayOverrides = {}): Promise<StartedGateway> => {
  const features = enabledFeatures(settings);
  // Checked before anything starts: a supergraph file that does not match the features is a configuration error.
  const supergraphSdl = settings.subgraphs.length > 0 && settings.supergraphFile ? readFileSync(settings.supergraphFile, "utf8") : undefined;
  const stale = supergraphSdl === undefined ? [] : fieldsOfDisabledFeatures(supergraphSdl, features);
  if (stale.length > 0) throw new ConfigError(`SUPERGRAPH_FILE serves fields of features DISABLED_FEATURES turns off: ${stale.join(", ")}. Compose it again with the same DISABLED_FEATURES (npm run compose).`);
  const core = await composeCore(settings, overrides);
  const { clock, logger, metrics, store, auditSink, audit, idp, services, emergencyAlerts, spool } = core;
  const { cognito } = settings;
  const verifier = withTokenCache(
    overrides.verifier ?? createAccessTokenVerifier({ issuer: cognito.issuer, jwksUri: cognito.jwksUri, clientId: cognito.clientId, fetcher: metrics.countingFetcher(webFetcher) }),
    { maxEntries: settings.tokenCacheSize, clock },
  );
  metrics.watchTokenCache(verifier.stats);
  // Readiness needs the keys; a failure here is not fatal (/readyz reports it and verification retries).
  await verifier.hydrate().catch((error: unknown) => logger.warn({ err: String(error) }, "JWKS not loaded yet"));
  // Cheap refusals (garbage tokens, throttled attempts, a store that is down) are recorded aggregated.
  const refusals = new AggregatedRecords({ audit, clock, intervalSeconds: 60, onLost: (n) => metrics.faults.lostSummaries.inc(n) }).start();
  // Hosted login off is off whole: no browser routes and no cookie sessions, not only no exchangeAuthorizationCode.
  const hostedLoginOn = features.some((feature) => feature.name === "hosted-login");
  const hosted = settings.oauth && hostedLoginOn ? createHostedLogin({ ...settings, oauth: settings.oauth, cognito, services, idp, verifier, store, clock, audit, logger }) : undefined;
  services.oauth = hosted?.login;
  // Grants nobody reviewed in time raise an escalation alert; every instance may sweep (it is idempotent).
  const sweep = setInterval(() => void services.emergency.reviews.sweep().catch((error: unknown) => logger.error({ err: String(error) }, "emergency review sweep failed")), settings.emergency.sweepIntervalSeconds * 1000);
  sweep.unref();
  const deps: GatewayDeps = {
    verifier,
    store,
    idp,
    services,
    audit,
    auditSink,
    auditSpool: spool,
    refusals,
    rejections: refusals,
    trustProxyHops: settings.trustProxyHops,
    logger,
    metrics,
    dev: settings.dev,
    corsOrigins: settings.corsOrigins,
    playground: settings.playground,
    // Production never serves /metrics on the API port; dev does unless METRICS_PORT gives it its own listener.
    metricsOnApiPort: settings.metricsPort === undefined && settings.gatewayMode !== "production",
    keepAliveSeconds: settings.keepAliveSeconds,
    rateLimits: { address: settings.policy.rateLimitIpPerMinute, account: settings.policy.rateLimitAccountPerMinute, signedIn: settings.policy.rateLimitUserPerMinute },
    cookieSessions: hosted?.cookies,
    oauthRoutes: hosted?.routes,
    hostedLoginDomain: hosted ? settings.oauth?.domain : undefined,
    features,
  };
  let running: RunningGateway;
  let asserter: IdentityAsserter | undefined;
  let internal: RunningGateway | undefined;
  if (settings.subgraphs.length === 0) {
    running = await listen(await createGateway(deps), settings.port, settings.host, settings.keepAliveSeconds);
  } else {
    // Gateway mode: the same API runs as an internal subgraph on loopback, composed with the product's.
    const files = settings.federation.signingKeyFiles;
    const keys = files.length > 0 ? signingKeysFromPem(files.map(({ kid, path }) => ({ kid, pem: readFileSync(path, "utf8") }))) : [generateSigningKey()];
    asserter = new IdentityAsserter({ keys, issuer: settings.federation.issuer, clock });
    const internalIdentity = new InternalIdentityChannel(clock);
    internal = await listen(await createGateway({ ...deps, internalIdentity, schemaKind: "auth-subgraph", playground: false, corsOrigins: [], oauthRoutes: undefined }), 0, "127.0.0.1");
    const authSubgraphUrl = `http://127.0.0.1:${internal.port}/graphql`;
    // Loaded only in gateway mode: @apollo/gateway and its telemetry take about a second to load, which a
    // standalone gateway (and every test process that starts one) never needs.
    const { createSupergraph } = require("./federation/supergraph") as typeof import("./federation/supergraph");
    const supergraph = await createSupergraph({ ...deps, internalIdentity, authSubgraphUrl, subgraphs: settings.subgraphs, supergraphSdl, asserter, subgraphFaults: settings.subgraphFaults, clock, onBreaker: (subgraph, open) => metrics.faults.breakerOpen.set({ subgraph }, open ? 1 : 0) });
    // Listening first: subgraphs in "reject" mode fetch the gateway's JWKS to check its composition request.
    running = await listen(supergraph, settings.port, settings.host, settings.keepAliveSeconds);
    try {
      await supergraph.compose();
    } catch (error) {
      await Promise.allSettled([running.close(), internal.close()]);
      throw error;
    }
  }
  const metricsListener = settings.metricsPort === undefined ? undefined : await listenForMetrics(metrics, settings.metricsPort, settings.host);
  return {
    ...running,
    metricsPort: metricsListener?.port,
    services,
    store,
    verifier,
    asserter,
    refusals,
    emergencyAlerts,
    // The notices as the services send them (also to a previous address), so settling waits for those too.
    notifier: services.notices,
    durable: core.durable,
    outbox: core.outbox,
    close: async () => {
      clearInterval(sweep);
      await metricsListener?.close();
      // The outbox stops polling first; deliveries under way are not waited for (their leases pass them on).
      core.outbox?.stop();
      await running.close();
      await internal?.close();
      await refusals.stop().catch(() => undefined);
      await core.close();
    },
  };
};

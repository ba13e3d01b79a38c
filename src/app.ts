import { AggregatedRecords } from "./audit/aggregated-records";
import { AuditLog, type AuditSink } from "./audit/audit-log";
import { openAuditSink } from "./audit/open-sink";
import { AuditSpool } from "./audit/audit-spool";
import { isReadable } from "./audit/review/audit-reader";
import { CognitoIdentityProvider } from "./auth/cognito/cognito-identity-provider";
import { CognitoAdmin } from "./auth/cognito/cognito-admin";
import type { IdentityAdmin, IdentityProvider } from "./auth/identity-provider";
import { devMailNotifier, noMailNotifier, WebhookSecurityNotifier, type SecurityNotifier } from "./auth/factors/recovery/notifier";
import { WebhookEmergencyAlerts } from "./auth/emergency/emergency-alerts";
import { createServices, type Services } from "./auth/services";
import { loginFailureLimiter } from "./policy/address-limiter";
import type { CognitoSettings, Config } from "./config";
import { withTokenCache, type CachedVerifier } from "./context/token-cache";
import { createAccessTokenVerifier, webFetcher, type AccessTokenVerifier } from "./context/token-verifier";
import { GatewayMetrics } from "./ops/metrics";
import { readFileSync } from "node:fs";
import { generateSigningKey, IdentityAsserter, signingKeysFromPem } from "./federation/identity-token";
import { createSupergraph } from "./federation/supergraph";
import { InternalIdentityChannel } from "./context/internal-identity";
import { createHostedLogin } from "./http/oauth/hosted-login";
import { createGateway, listen, type GatewayDeps, type RunningGateway } from "./server";
import { systemClock, type Clock } from "./shared/clock";
import { createLogger, type Logger } from "./shared/logger";
import { MemoryStore } from "./store/memory-store";
import { RedisStore } from "./store/redis-store";
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
};

export type StartedGateway = RunningGateway & {
  services: Services;
  store: StateStore;
  verifier: CachedVerifier;
  asserter: IdentityAsserter | undefined;
  refusals: AggregatedRecords;
  emergencyAlerts: WebhookEmergencyAlerts;
  notifier: SecurityNotifier;
};

/** The composition root: settings → dependencies → listening server. */
export const startGateway = async (settings: GatewaySettings, overrides: GatewayOverrides = {}): Promise<StartedGateway> => {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(settings.logLevel);
  const store = overrides.store ?? (settings.redisUrl ? new RedisStore({ url: settings.redisUrl, keyPrefix: settings.redisKeyPrefix }) : new MemoryStore(clock));
  const metrics = new GatewayMetrics();
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
    customAuthSecret: settings.customAuthSecret,
  });
  metrics.instrumentCognito(cognitoIdp.client);
  const idp = overrides.idp ?? cognitoIdp;
  const admin = overrides.admin ?? new CognitoAdmin({ client: cognitoIdp.client, userPoolId: cognito.userPoolId, emulator: cognito.emulator });
  const verifier = withTokenCache(
    overrides.verifier ?? createAccessTokenVerifier({ issuer: cognito.issuer, jwksUri: cognito.jwksUri, clientId: cognito.clientId, fetcher: metrics.countingFetcher(webFetcher) }),
    { maxEntries: settings.tokenCacheSize, clock },
  );
  metrics.watchTokenCache(verifier.stats);
  // Readiness needs the keys; a failure here is not fatal (/readyz reports it and verification retries).
  await verifier.hydrate().catch((error: unknown) => logger.warn({ err: String(error) }, "JWKS not loaded yet"));

  const spool = settings.auditSpoolFile ? await AuditSpool.open(settings.auditSpoolFile, auditSink, (n) => metrics.faults.spoolBacklog.set(n), settings.auditWriteTimeoutMs) : undefined;
  const audit = new AuditLog({ sink: auditSink, clock, spool, onLostOutcome: () => metrics.faults.lostOutcomes.inc() });
  // Cheap refusals (garbage tokens, throttled attempts, a store that is down) are recorded aggregated.
  const refusals = new AggregatedRecords({ audit, clock, intervalSeconds: 60, onLost: (n) => metrics.faults.lostSummaries.inc(n) }).start();
  const emergencyAlerts = new WebhookEmergencyAlerts({ settings: settings.emergency, audit, logger, clock, count: (event) => metrics.countEmergency(event) });
  const notifier = overrides.notifier ?? (settings.notices ? new WebhookSecurityNotifier({ settings: settings.notices, audit, logger, clock }) : settings.dev ? devMailNotifier : noMailNotifier);
  if (!settings.dev && !settings.notices) logger.warn({ setting: "NOTICE_WEBHOOK_URL" }, "recovery-code notices to account owners are not sent (NOTICE_WEBHOOK_URL unset); the audit trail still records each use");
  const services = createServices({
    idp,
    admin,
    store,
    clock,
    audit,
    challengeTtlSeconds: settings.challengeTtlSeconds,
    sessionMaxAgeSeconds: settings.sessionMaxAgeSeconds,
    totpIssuer: settings.totpIssuer,
    policy: settings.policy,
    webauthn: settings.webauthn,
    customAuth: settings.customAuthSecret !== undefined,
    notifier,
    loginFailuresByAddress: loginFailureLimiter(store, settings.policy.loginFailuresPerAddress),
    auditReader: isReadable(baseSink) ? baseSink.reader() : undefined,
    emergency: { settings: settings.emergency, alerts: emergencyAlerts },
  });
  const hosted = settings.oauth ? createHostedLogin({ ...settings, oauth: settings.oauth, cognito, services, idp, verifier, store, clock, audit, logger }) : undefined;
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
    rateLimits: { address: settings.policy.rateLimitIpPerMinute, account: settings.policy.rateLimitAccountPerMinute, signedIn: settings.policy.rateLimitUserPerMinute },
    cookieSessions: hosted?.cookies,
    oauthRoutes: hosted?.routes,
  };
  let running: RunningGateway;
  let asserter: IdentityAsserter | undefined;
  let internal: RunningGateway | undefined;
  if (settings.subgraphs.length === 0) {
    running = await listen(await createGateway(deps), settings.port, settings.host);
  } else {
    // Gateway mode: the same API runs as an internal subgraph on loopback, composed with the product's.
    const files = settings.federation.signingKeyFiles;
    const keys = files.length > 0 ? signingKeysFromPem(files.map(({ kid, path }) => ({ kid, pem: readFileSync(path, "utf8") }))) : [generateSigningKey()];
    asserter = new IdentityAsserter({ keys, issuer: settings.federation.issuer, clock });
    const internalIdentity = new InternalIdentityChannel(clock);
    internal = await listen(await createGateway({ ...deps, internalIdentity, schemaKind: "auth-subgraph", playground: false, corsOrigins: [], oauthRoutes: undefined }), 0, "127.0.0.1");
    const authSubgraphUrl = `http://127.0.0.1:${internal.port}/graphql`;
    const supergraphSdl = settings.supergraphFile ? readFileSync(settings.supergraphFile, "utf8") : undefined;
    running = await listen(await createSupergraph({ ...deps, internalIdentity, authSubgraphUrl, subgraphs: settings.subgraphs, supergraphSdl, asserter, subgraphFaults: settings.subgraphFaults, clock, onBreaker: (subgraph, open) => metrics.faults.breakerOpen.set({ subgraph }, open ? 1 : 0) }), settings.port, settings.host);
  }
  return {
    ...running,
    services,
    store,
    verifier,
    asserter,
    refusals,
    emergencyAlerts,
    notifier,
    close: async () => {
      clearInterval(sweep);
      await running.close();
      await emergencyAlerts.settled();
      await notifier.settled();
      await internal?.close();
      await refusals.stop().catch(() => undefined);
      await spool?.close();
      await auditSink.close?.();
      if (!overrides.store) await store.close();
    },
  };
};

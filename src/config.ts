import { join } from "node:path";
import type { EmergencySettings } from "./auth/emergency/emergency-grant";
import type { PolicySettings } from "./policy/policy-settings";
import type { AuditDatabaseSettings, CognitoSettings, NoticeSettings, OAuthSettings, SubgraphFaultSettings, WebAuthnSettings } from "./shared/settings";

export type { EmergencySettings };
export type { PolicySettings } from "./policy/policy-settings";
export type { AuditDatabaseSettings, CognitoSettings, NoticeSettings, OAuthSettings, WebAuthnSettings } from "./shared/settings";
import type { DatabaseSettings } from "./db/pool";
import type { FeatureName } from "./features/feature-names";
import { customAuthPrivateKey, emergencyAccessOn, productionProblems, refusal } from "./production-requirements";

export { ConfigError } from "./config-error";
export { envSchema, type Env, type EnvKey } from "./config-schema";
import { envSchema, isBlank, isLoopbackHttp, type Env, type EnvKey } from "./config-schema";
import { noticeOutboxRetryDelaysMs, webhookRetryDelaysMs } from "./shared/signed-webhook";
import { ConfigError } from "./config-error";

type CommonConfig = {
  /** production: required settings given, no emulator, Redis store, PostgreSQL audit and records. */
  gatewayMode: "dev" | "production";
  port: number;
  /** /metrics on a listener of its own; unset = on the API port in dev mode, nowhere in production. */
  metricsPort?: number | undefined;
  /** server.keepAliveTimeout in seconds (headersTimeout above it). */
  keepAliveSeconds?: number | undefined;
  /** PostgreSQL of the lasting records (the repositories under src/db/ take it from here). */
  databaseUrl?: string | undefined;
  host: string;
  logLevel: Env["LOG_LEVEL"];
  challengeTtlSeconds: number;
  sessionMaxAgeSeconds: number;
  auditLogFile: string;
  /** Records that never wait on the sink; unset (test seams): they wait like the others. */
  auditSpoolFile?: string | undefined;
  /** A file-sink write not done within this fails its operations (the PostgreSQL sink has its own). */
  auditWriteTimeoutMs?: number;
  /** Gateway mode: per-subgraph deadline and circuit breaker; unset = the defaults. */
  subgraphFaults?: SubgraphFaultSettings;
  /** Set: the PostgreSQL audit trail replaces the file. */
  auditDatabase?: AuditDatabaseSettings;
  totpIssuer: string;
  totpSealKey?: string | undefined;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  /** Set: lasting records, the store generation and the outbox live in PostgreSQL. */
  database?: (DatabaseSettings & { generationCheckSeconds: number }) | undefined;
  tokenCacheSize: number;
  /** CLIENT_TOKENS: what bearer clients hold; unset = gateway handles. `provider` is deprecated and refused in production. */
  clientTokens?: "gateway" | "provider" | undefined;
  trustProxyHops: number;
  corsOrigins: string[];
  playground: boolean;
  subgraphs: { name: string; url: string }[];
  supergraphFile: string | undefined;
  federation: { issuer: string; signingKeyFiles: { kid: string; path: string }[] };
  policy: PolicySettings;
  /** Hosted login (OAuth 2.0 code flow); absent when COGNITO_DOMAIN is not set. */
  oauth?: OAuthSettings | undefined;
  /** Passkeys; absent (off) in AWS mode until WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS are set. */
  webauthn: WebAuthnSettings | undefined;
  emergency: EmergencySettings;
  /** DISABLED_FEATURES: the features left out of the schema, the permission map and the limits; unset = none. */
  disabledFeatures?: readonly FeatureName[] | undefined;
  /** Where security notices to account owners go; absent = dev prints them, AWS mode does not send them. */
  notices: NoticeSettings | undefined;
  /** Ed25519 PKCS#8 PEM that signs the answer to Cognito's custom challenge; dev mode generates one when unset. */
  customAuthPrivateKey: string | undefined;
};

/** A previous secret only means something beside a current one, and a different one (a rotation half done or mistyped). */
const assertPreviousSecret = (name: string, secret: string | undefined, previous: string | undefined): void => {
  if (previous === undefined) return;
  if (secret === undefined) throw new ConfigError(`Invalid configuration: ${name}_PREVIOUS_SECRET needs ${name}_SECRET (the new one).`);
  if (previous === secret) throw new ConfigError(`Invalid configuration: ${name}_PREVIOUS_SECRET is the same as ${name}_SECRET; unset it once the rotation is done.`);
};

const noticeSettings = (env: Env): NoticeSettings | undefined => {
  if ((env.NOTICE_WEBHOOK_URL === undefined) !== (env.NOTICE_WEBHOOK_SECRET === undefined)) {
    throw new ConfigError("Invalid configuration: NOTICE_WEBHOOK_URL and NOTICE_WEBHOOK_SECRET must be set together.");
  }
  assertPreviousSecret("NOTICE_WEBHOOK", env.NOTICE_WEBHOOK_SECRET, env.NOTICE_WEBHOOK_PREVIOUS_SECRET);
  return env.NOTICE_WEBHOOK_URL && env.NOTICE_WEBHOOK_SECRET ? { url: env.NOTICE_WEBHOOK_URL, secret: env.NOTICE_WEBHOOK_SECRET, previousSecret: env.NOTICE_WEBHOOK_PREVIOUS_SECRET, retryDelaysMs: env.DATABASE_URL === undefined ? webhookRetryDelaysMs : noticeOutboxRetryDelaysMs } : undefined;
};

const emergencySettings = (env: Env): EmergencySettings => {
  if ((env.ALERT_WEBHOOK_URL === undefined) !== (env.ALERT_WEBHOOK_SECRET === undefined)) {
    throw new ConfigError("Invalid configuration: ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET must be set together.");
  }
  assertPreviousSecret("ALERT_WEBHOOK", env.ALERT_WEBHOOK_SECRET, env.ALERT_WEBHOOK_PREVIOUS_SECRET);
  return {
    // Removed from the schema, it is off behind it too: no grant can start from anywhere.
    enabled: emergencyAccessOn(env.EMERGENCY_ACCESS, env.DISABLED_FEATURES),
    accessMinutes: env.EMERGENCY_ACCESS_MINUTES,
    reviewHours: env.EMERGENCY_REVIEW_HOURS,
    alertWebhook: env.ALERT_WEBHOOK_URL && env.ALERT_WEBHOOK_SECRET ? { url: env.ALERT_WEBHOOK_URL, secret: env.ALERT_WEBHOOK_SECRET, previousSecret: env.ALERT_WEBHOOK_PREVIOUS_SECRET } : undefined,
    alertRetryDelaysMs: webhookRetryDelaysMs,
    sweepIntervalSeconds: 300,
  };
};

export type DevConfig = CommonConfig & { mode: "dev"; localCognito: { port: number; dir: string; code: string | undefined; url: string | undefined }; localHostedLoginPort: number; devAdminEmail: string | undefined };
export type AwsConfig = CommonConfig & { mode: "aws"; cognito: CognitoSettings };
export type Config = DevConfig | AwsConfig;

/** The parsed variables and one line per invalid one (never echoing a value: it may be a secret). */
const parseEnv = (source: NodeJS.ProcessEnv): { env: Env; invalid: string[] } => {
  const env: Record<string, unknown> = {};
  const invalid: string[] = [];
  for (const [key, { schema }] of Object.entries(envSchema)) {
    const raw = isBlank(source[key]) ? undefined : source[key];
    const result = schema.safeParse(raw);
    if (result.success) env[key] = result.data;
    else invalid.push(`${key} is not valid (expected ${result.error.issues[0]?.message ?? "a valid value"})`);
  }
  return { env: env as Env, invalid };
};

/** GATEWAY_MODE, else production exactly when NODE_ENV=production. */
export const gatewayModeOf = (source: NodeJS.ProcessEnv): "dev" | "production" => {
  const explicit = source["GATEWAY_MODE"];
  if (explicit === "dev" || explicit === "production") return explicit;
  return source["NODE_ENV"] === "production" ? "production" : "dev";
};

const requireVar = <K extends EnvKey>(env: Env, key: K, because: string): NonNullable<Env[K]> => {
  const value = env[key];
  if (value === undefined) throw new ConfigError(`Invalid configuration: ${key} is required ${because}.`);
  return value;
};

const pairs = (list: string | undefined): [string, string][] =>
  (list ?? "").split(",").filter(Boolean).map((entry) => {
    const at = entry.indexOf("=");
    return [entry.slice(0, at), entry.slice(at + 1)];
  });

const list = (value: string | undefined): string[] => (value ?? "").split(",").filter(Boolean);

/** Hosted login is all or nothing: a half-configured flow fails at start-up, naming what is missing. */
const oauthSettings = (env: Env): OAuthSettings | undefined => {
  const oauthKeys = ["OAUTH_CALLBACK_URL", "OAUTH_RETURN_TO", "OAUTH_REDIRECT_URIS", "OAUTH_SIGN_OUT_URL"] as const;
  if (env.COGNITO_DOMAIN === undefined) {
    const stray = oauthKeys.find((key) => env[key] !== undefined);
    if (stray) throw new ConfigError(`Invalid configuration: COGNITO_DOMAIN is required when ${stray} is set.`);
    return undefined;
  }
  const signOutUrl = requireVar(env, "OAUTH_SIGN_OUT_URL", "when COGNITO_DOMAIN is set");
  if (env.OAUTH_CALLBACK_URL === undefined && env.OAUTH_REDIRECT_URIS === undefined) {
    throw new ConfigError("Invalid configuration: OAUTH_CALLBACK_URL or OAUTH_REDIRECT_URIS is required when COGNITO_DOMAIN is set.");
  }
  if (env.OAUTH_CALLBACK_URL !== undefined) {
    requireVar(env, "OAUTH_RETURN_TO", "when OAUTH_CALLBACK_URL is set");
    requireVar(env, "COGNITO_CLIENT_SECRET", "when OAUTH_CALLBACK_URL is set (the gateway redeems codes as the confidential client)");
  }
  return {
    domain: env.COGNITO_DOMAIN.replace(/\/+$/, ""),
    callbackUrl: env.OAUTH_CALLBACK_URL,
    returnTo: list(env.OAUTH_RETURN_TO),
    redirectUris: list(env.OAUTH_REDIRECT_URIS),
    signOutUrl,
    cookieSameSite: env.OAUTH_COOKIE_SAMESITE,
    clientSecret: env.COGNITO_CLIENT_SECRET,
  };
};

/** Each origin must be the RP id or a subdomain of it: otherwise no browser would ever produce a valid assertion. */
const webauthnSettings = (env: Env, aws: boolean): WebAuthnSettings | undefined => {
  if (aws && env.WEBAUTHN_RP_ID === undefined && env.WEBAUTHN_ORIGINS === undefined) return undefined;
  const rpId = env.WEBAUTHN_RP_ID ?? (aws ? requireVar(env, "WEBAUTHN_RP_ID", "when WEBAUTHN_ORIGINS is set") : "localhost");
  const origins = env.WEBAUTHN_ORIGINS?.split(",") ?? (aws ? [requireVar(env, "WEBAUTHN_ORIGINS", "when WEBAUTHN_RP_ID is set")] : [`http://localhost:${env.PORT}`]);
  for (const origin of origins) {
    const host = new URL(origin).hostname;
    if (host !== rpId && !host.endsWith(`.${rpId}`)) throw new ConfigError(`Invalid configuration: WEBAUTHN_ORIGINS has an origin outside WEBAUTHN_RP_ID (${rpId}).`);
    if (aws && !origin.startsWith("https://")) throw new ConfigError("Invalid configuration: WEBAUTHN_ORIGINS must be https:// in AWS mode.");
  }
  return { rpId, rpName: env.WEBAUTHN_RP_NAME, origins };
};

/**
 * The settings, or a ConfigError: in dev mode the first problem, in one line naming the variable; in
 * production every missing, invalid or unsafe setting at once.
 */
export const loadConfig = (source: NodeJS.ProcessEnv = process.env): Config => {
  const gatewayMode = gatewayModeOf(source);
  const { env, invalid } = parseEnv(source);
  if (gatewayMode === "production") {
    const problems = [...invalid, ...productionProblems(env, source)];
    if (problems.length > 0) throw new ConfigError(refusal(problems));
  } else if (invalid[0] !== undefined) {
    throw new ConfigError(`Invalid configuration: ${invalid[0]}.`);
  }
  try {
    return buildConfig(env, gatewayMode);
  } catch (error) {
    // A consistency check (region and pool, hosted login, passkeys) is one more line of the production refusal.
    if (gatewayMode === "production" && error instanceof ConfigError) throw new ConfigError(refusal([error.message.replace(/^Invalid configuration: /, "").replace(/\.$/, "")]));
    throw error;
  }
};

const buildConfig = (env: Env, gatewayMode: "dev" | "production"): Config => {
  const production = gatewayMode === "production";
  const aws = env.COGNITO_USER_POOL_ID !== undefined;
  const auditDatabaseUrl = env.AUDIT_DATABASE_URL ?? (production ? env.DATABASE_URL : undefined);
  const common: Omit<CommonConfig, "webauthn"> = {
    gatewayMode,
    port: env.PORT,
    metricsPort: env.METRICS_PORT,
    keepAliveSeconds: env.HTTP_KEEP_ALIVE_SECONDS,
    databaseUrl: env.DATABASE_URL,
    host: env.HOST ?? (aws ? "0.0.0.0" : "127.0.0.1"),
    logLevel: env.LOG_LEVEL,
    challengeTtlSeconds: env.CHALLENGE_TTL_SECONDS,
    sessionMaxAgeSeconds: env.SESSION_MAX_AGE_SECONDS,
    auditLogFile: env.AUDIT_LOG_FILE,
    auditSpoolFile: env.AUDIT_SPOOL_FILE,
    auditWriteTimeoutMs: env.AUDIT_WRITE_TIMEOUT_MS,
    subgraphFaults: { timeoutMs: env.SUBGRAPH_TIMEOUT_MS, breakerFailures: env.SUBGRAPH_BREAKER_FAILURES, breakerOpenSeconds: env.SUBGRAPH_BREAKER_OPEN_SECONDS },
    auditDatabase: auditDatabaseUrl === undefined ? undefined : {
      url: auditDatabaseUrl,
      schema: env.AUDIT_DATABASE_SCHEMA,
      writeTimeoutMs: env.AUDIT_WRITE_TIMEOUT_MS,
      synchronousCommit: env.AUDIT_SYNCHRONOUS_COMMIT,
      checkpointRecords: env.AUDIT_CHECKPOINT_RECORDS,
      checkpointSeconds: env.AUDIT_CHECKPOINT_SECONDS,
      retentionDays: env.AUDIT_RETENTION_DAYS,
      chainKey: env.AUDIT_CHAIN_KEY,
    },
    totpIssuer: env.TOTP_ISSUER,
    totpSealKey: env.TOTP_SEAL_KEY,
    customAuthPrivateKey: customAuthPrivateKey(env),
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    database: env.DATABASE_URL === undefined ? undefined : {
      url: env.DATABASE_URL,
      schema: env.DATABASE_SCHEMA,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      generationCheckSeconds: env.STORE_GENERATION_CHECK_SECONDS,
    },
    tokenCacheSize: env.TOKEN_CACHE_SIZE,
    clientTokens: env.CLIENT_TOKENS,
    trustProxyHops: env.TRUST_PROXY_HOPS,
    corsOrigins: env.CORS_ORIGINS?.split(",") ?? [],
    playground: env.PLAYGROUND ? env.PLAYGROUND === "on" : !aws,
    subgraphs: pairs(env.SUBGRAPHS).map(([name, url]) => ({ name, url })),
    supergraphFile: env.SUPERGRAPH_FILE,
    federation: { issuer: env.FEDERATION_ISSUER, signingKeyFiles: pairs(env.FEDERATION_SIGNING_KEYS).map(([kid, path]) => ({ kid, path })) },
    policy: {
      rateLimitIpPerMinute: env.RATE_LIMIT_IP_PER_MINUTE,
      rateLimitAccountPerMinute: env.RATE_LIMIT_ACCOUNT_PER_MINUTE,
      rateLimitUserPerMinute: env.RATE_LIMIT_USER_PER_MINUTE,
      lockoutThreshold: env.LOCKOUT_THRESHOLD,
      lockoutDurationSeconds: env.LOCKOUT_DURATION_SECONDS,
      loginFailuresPerAddress: env.LOGIN_FAILURES_PER_ADDRESS,
      idleTimeoutSeconds: env.IDLE_TIMEOUT_SECONDS,
      passwordMaxAgeDays: env.PASSWORD_MAX_AGE_DAYS,
      passwordHistorySize: env.PASSWORD_HISTORY_SIZE,
      breachedPasswordsUrl: env.PWNED_PASSWORDS_URL,
    },
    emergency: emergencySettings(env),
    disabledFeatures: env.DISABLED_FEATURES,
    notices: noticeSettings(env),
  };
  if (!aws) {
    for (const key of ["COGNITO_CLIENT_ID", "COGNITO_CLIENT_SECRET", "COGNITO_ENDPOINT", "COGNITO_ISSUER", "COGNITO_DOMAIN"] as const) {
      if (env[key] !== undefined) throw new ConfigError(`Invalid configuration: COGNITO_USER_POOL_ID is required when ${key} is set.`);
    }
    oauthSettings(env);
    // Dev mode may run the PostgreSQL sink without a key of its own: one is generated once, beside cognito-local's data.
    if (common.auditDatabase && common.auditDatabase.chainKey === undefined) common.auditDatabase = { ...common.auditDatabase, devChainKeyFile: join(env.LOCAL_COGNITO_DIR, "audit-chain.key") };
    return { ...common, webauthn: webauthnSettings(env, false), mode: "dev", localCognito: { port: env.LOCAL_COGNITO_PORT, dir: env.LOCAL_COGNITO_DIR, code: env.LOCAL_COGNITO_CODE, url: env.LOCAL_COGNITO_URL?.replace(/\/+$/, "") }, localHostedLoginPort: env.LOCAL_HOSTED_LOGIN_PORT, devAdminEmail: env.DEV_ADMIN_EMAIL };
  }
  if (common.supergraphFile && common.subgraphs.length === 0) throw new ConfigError("Invalid configuration: SUBGRAPHS is required when SUPERGRAPH_FILE is set.");
  if (common.subgraphs.length > 0 && common.federation.signingKeyFiles.length === 0) {
    // Generated keys differ per instance: behind a load balancer, subgraphs would see unknown keys.
    throw new ConfigError("Invalid configuration: FEDERATION_SIGNING_KEYS is required in AWS mode when SUBGRAPHS is set.");
  }
  // Without a key outside the database, whoever can insert (the gateway's own role) can write a whole trail that verifies.
  if (common.auditDatabase) requireVar(env, "AUDIT_CHAIN_KEY", "outside dev mode whenever the audit trail is PostgreSQL (it seals the audit streams)");
  const userPoolId = requireVar(env, "COGNITO_USER_POOL_ID", "in AWS mode");
  const region = requireVar(env, "AWS_REGION", "when COGNITO_USER_POOL_ID is set");
  if (!userPoolId.startsWith(`${region}_`)) {
    throw new ConfigError(`Invalid configuration: COGNITO_USER_POOL_ID belongs to another region than AWS_REGION (${region}).`);
  }
  const standIn = region === "local" || userPoolId.startsWith("local_");
  if (standIn && !(env.COGNITO_ENDPOINT && isLoopbackHttp(env.COGNITO_ENDPOINT) && env.COGNITO_ISSUER)) {
    throw new ConfigError("Invalid configuration: a local pool (cognito-local) needs COGNITO_ENDPOINT on this machine (http://127.0.0.1:…) and COGNITO_ISSUER.");
  }
  const issuer = env.COGNITO_ISSUER?.replace(/\/+$/, "") ?? `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  const clientId = requireVar(env, "COGNITO_CLIENT_ID", "when COGNITO_USER_POOL_ID is set");
  const webauthn = webauthnSettings(env, true);
  // Without it every passkey sign-in would fail at Cognito after the passkey was verified.
  if (webauthn && common.customAuthPrivateKey === undefined) {
    throw new ConfigError("Invalid configuration: CUSTOM_AUTH_PRIVATE_KEY (or CUSTOM_AUTH_PRIVATE_KEY_FILE) is required when WEBAUTHN_RP_ID is set (passkey sign-in answers the pool's custom-auth triggers with it).");
  }
  return {
    ...common,
    oauth: oauthSettings(env),
    webauthn,
    mode: "aws",
    cognito: {
      userPoolId,
      clientId,
      clientSecret: env.COGNITO_CLIENT_SECRET,
      region,
      endpoint: env.COGNITO_ENDPOINT,
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
    },
  };
};

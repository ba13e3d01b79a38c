import { join } from "node:path";
import { z } from "zod";
import { schemaNamePattern } from "./audit/postgres/sql";
import type { EmergencySettings } from "./auth/emergency/emergency-grant";
import type { PolicySettings } from "./policy/policy-settings";
import type { AuditDatabaseSettings, CognitoSettings, NoticeSettings, OAuthSettings, SubgraphFaultSettings, WebAuthnSettings } from "./shared/settings";

export type { EmergencySettings };
export type { PolicySettings } from "./policy/policy-settings";
export type { AuditDatabaseSettings, CognitoSettings, NoticeSettings, OAuthSettings, WebAuthnSettings } from "./shared/settings";
import { isUsableChainKey } from "./audit/postgres/chain-key";
import type { DatabaseSettings } from "./db/pool";
import { customAuthPrivateKey, productionProblems, refusal } from "./production-requirements";

export { ConfigError } from "./config-error";
import { ConfigError } from "./config-error";

const port = z.coerce.number().int().min(1).max(65535);
const isLoopbackHttp = (value: string): boolean => URL.canParse(value) && ["localhost", "127.0.0.1", "[::1]"].includes(new URL(value).hostname);
/** Browsers only ever go to HTTPS, except on the developer's own machine. */
const httpsOrLocal = (value: string): boolean => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.hash === "" && (url.protocol === "https:" || (url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname)));
};
const oauthUrl = z.string().refine(httpsOrLocal, "an https URL (http only for localhost), without #fragment");
const oauthUrls = z.string().refine((v) => v.split(",").every(httpsOrLocal), "comma-separated https URLs (http only for localhost), without #fragment");
const positiveSeconds = z.coerce.number().int().positive();

/** Every variable the gateway reads, with its default and what it means; docs/configuration.md's table mirrors this. */
export const envSchema = {
  GATEWAY_MODE: { schema: z.enum(["dev", "production"]).optional(), help: "dev (embedded cognito-local, memory store, file audit: what npm start gives) or production (never spawns an emulator; refuses to start, naming every missing or unsafe setting); unset = production when NODE_ENV=production, else dev." },
  PORT: { schema: port.default(4000), help: "HTTP port of the gateway." },
  METRICS_PORT: { schema: port.optional(), help: "Serve Prometheus /metrics on this port, on a listener of its own (keep it off the public network); unset = /metrics on the API port in dev mode, no metrics in production. Never on the API port in production." },
  HTTP_KEEP_ALIVE_SECONDS: { schema: z.coerce.number().int().min(1).max(3600).default(65), help: "How long an idle keep-alive connection stays open (server.keepAliveTimeout; headersTimeout is set above it). Keep it above the load balancer's idle timeout (an ALB's is 60 s) or it answers intermittent 502s." },
  HOST: { schema: z.string().min(1).optional(), help: "Interface to bind; unset = 127.0.0.1 in dev mode, 0.0.0.0 in AWS mode." },
  LOG_LEVEL: { schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"), help: "pino log level (fatal, error, warn, info, debug, trace, silent); pretty output in dev mode on a terminal." },
  CHALLENGE_TTL_SECONDS: { schema: positiveSeconds.max(300).default(300), help: "Lifetime of a login challenge handle (at most 300)." },
  SESSION_MAX_AGE_SECONDS: { schema: positiveSeconds.default(30 * 24 * 3600), help: "How long the gateway remembers a login session (match the app client's refresh-token validity)." },
  AUDIT_LOG_FILE: { schema: z.string().min(1).default("audit.jsonl"), help: "Append-only, hash-chained JSON Lines audit log (one file per instance; check with npm run audit:verify)." },
  AUDIT_DATABASE_URL: { schema: z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// URL").optional(), help: "postgres:// URL of the shared audit trail (hash-chained per instance stream, migrated at start-up); unset = DATABASE_URL in production, the AUDIT_LOG_FILE file in dev mode." },
  AUDIT_CHAIN_KEY: { schema: z.string().refine(isUsableChainKey, "at least 32 bytes, e.g. openssl rand -base64 32").optional(), help: "Key of the HMAC-SHA256 seal on every PostgreSQL audit record and checkpoint (keep it outside the database, e.g. in a secrets manager); npm run audit:verify needs it to refuse forged streams. Required whenever the PostgreSQL audit trail is used outside dev mode (so always in production); unset in dev mode = generated once into LOCAL_COGNITO_DIR/audit-chain.key." },
  AUDIT_DATABASE_SCHEMA: { schema: z.string().regex(schemaNamePattern, "a lower-case SQL identifier").default("audit"), help: "PostgreSQL schema of the audit tables." },
  AUDIT_SPOOL_FILE: { schema: z.string().min(1).default("audit-spool.jsonl"), help: "Local fsync'd spool for the records that never wait on the audit sink (logout, disable, lock, outcomes the sink missed), shipped in order when the sink is back; keep it on a local disk." },
  SUBGRAPH_TIMEOUT_MS: { schema: z.coerce.number().int().min(100).max(60000).default(10000), help: "Gateway mode: a subgraph request not answered within this many ms fails (SERVICE_UNAVAILABLE, SUBGRAPH_ERROR)." },
  SUBGRAPH_BREAKER_FAILURES: { schema: z.coerce.number().int().min(1).max(1000).default(5), help: "Gateway mode: consecutive timeouts or failures that open a subgraph's circuit breaker (requests then fail fast)." },
  SUBGRAPH_BREAKER_OPEN_SECONDS: { schema: z.coerce.number().int().min(1).max(3600).default(30), help: "Gateway mode: how long an open breaker fails fast before one probe request is let through (half-open)." },
  AUDIT_WRITE_TIMEOUT_MS: { schema: z.coerce.number().int().min(50).max(60000).default(2000), help: "An audit write not done within this many ms fails the operation (SERVICE_UNAVAILABLE)." },
  AUDIT_SYNCHRONOUS_COMMIT: { schema: z.enum(["on", "off"]).default("on"), help: "on: a write returns when the record is on disk (survives a database crash); off: ~20x faster, a database crash may lose the last ~0.6 s of records (BENCHMARKS.md)." },
  AUDIT_CHECKPOINT_RECORDS: { schema: z.coerce.number().int().min(1).default(1000), help: "Record a checkpoint (stream, seq, hash) after this many records of a stream…" },
  AUDIT_CHECKPOINT_SECONDS: { schema: z.coerce.number().int().min(1).default(300), help: "…or at the first write this many seconds after the previous checkpoint." },
  AUDIT_RETENTION_DAYS: { schema: z.coerce.number().int().min(1).default(2190), help: "npm run audit:archive drops only monthly partitions entirely older than this (default six years)." },
  LOCKOUT_THRESHOLD: { schema: z.coerce.number().int().min(1).max(100).default(5), help: "Consecutive failed logins (password or MFA code) that lock an account." },
  LOCKOUT_DURATION_SECONDS: { schema: z.coerce.number().int().min(0).default(900), help: "How long a lock lasts; 0 = until an administrator unlocks." },
  LOGIN_FAILURES_PER_ADDRESS: { schema: z.coerce.number().int().min(1).default(100), help: "Failed logins one client address may make per 15 minutes, across all accounts." },
  IDLE_TIMEOUT_SECONDS: { schema: positiveSeconds.default(900), help: "A session unused this long is logged off." },
  PASSWORD_MAX_AGE_DAYS: { schema: z.coerce.number().int().min(1).default(90), help: "Passwords older than this must be changed at the next login." },
  PASSWORD_HISTORY_SIZE: { schema: z.coerce.number().int().min(0).max(24).default(5), help: "How many previous passwords may not be reused." },
  PWNED_PASSWORDS_URL: { schema: z.url().regex(/^https?:\/\//, "an http(s) URL").optional(), help: "Refuse passwords found in breaches via the Pwned Passwords k-anonymity range API at this base URL (e.g. https://api.pwnedpasswords.com; only a 5-character hash prefix is sent); unset = off. An unreachable API does not block password changes." },
  RATE_LIMIT_IP_PER_MINUTE: { schema: z.coerce.number().int().min(0).default(600), help: "Unauthenticated mutations one client address may send per minute; 0 = no limit (load tests)." },
  RATE_LIMIT_ACCOUNT_PER_MINUTE: { schema: z.coerce.number().int().min(0).default(20), help: "Unauthenticated mutations naming one email per minute; 0 = no limit." },
  RATE_LIMIT_USER_PER_MINUTE: { schema: z.coerce.number().int().min(0).default(30), help: "Mutations one signed-in account may send per minute (requestEmailChange also at most 5 per hour); 0 = no limit." },
  TRUST_PROXY_HOPS: { schema: z.coerce.number().int().min(0).max(10).default(0), help: "Proxies in front of the gateway that append to X-Forwarded-For; the client address is the entry that many places from the right. 0 = the socket address (X-Forwarded-For ignored). Production requires it set explicitly (behind a load balancer, 0 would make every per-address limit one global bucket)." },
  CORS_ORIGINS: { schema: z.string().regex(/^(https?:\/\/[^,\s]+)(,https?:\/\/[^,\s]+)*$/, "comma-separated http(s) origins").optional(), help: "Browser origins allowed to call the API; unset = no cross-origin access." },
  PLAYGROUND: { schema: z.enum(["on", "off"]).optional(), help: "Serve the GraphQL playground at /; unset = on in dev mode, off in AWS mode." },
  SUBGRAPHS: { schema: z.string().regex(/^[a-z][\w-]*=https?:\/\/[^,\s]+(,[a-z][\w-]*=https?:\/\/[^,\s]+)*$/, "name=url pairs separated by commas").optional(), help: "Gateway mode: the product's subgraphs as name=url,… composed with the gateway's own API at one endpoint." },
  SUPERGRAPH_FILE: { schema: z.string().min(1).optional(), help: "Gateway mode: a composed supergraph (npm run compose) instead of introspecting SUBGRAPHS at start-up." },
  FEDERATION_ISSUER: { schema: z.string().min(1).max(200).default("auth-gateway"), help: "Gateway mode: the iss of the identity assertions subgraphs receive." },
  FEDERATION_SIGNING_KEYS: { schema: z.string().regex(/^[\w.-]+=[^,]+(,[\w.-]+=[^,]+)*$/, "kid=path-to-PEM pairs separated by commas").optional(), help: "Gateway mode: EC P-256 private keys (kid=file.pem,…), the first signs, all are published; required in AWS mode, generated in dev." },
  TOKEN_CACHE_SIZE: { schema: z.coerce.number().int().min(0).default(10000), help: "Verified access tokens remembered until they expire (LRU); 0 verifies every request." },
  TOTP_ISSUER: { schema: z.string().min(1).max(64).regex(/^[^:]+$/, "a name without ':'").default("Auth Gateway"), help: "Issuer name shown in authenticator apps." },
  TOTP_SEAL_KEY: { schema: z.string().refine(isUsableChainKey, "at least 32 bytes, e.g. openssl rand -base64 32").optional(), help: "Key that seals the gateway's copy of each enrolled TOTP secret (step-up codes are checked against it, never through Cognito's VerifySoftwareToken, which a stolen token can point at a new secret); keep it outside the database. Required in production; unset in dev mode = derived from the local pool (not secret, like the emulator)." },
  WEBAUTHN_RP_ID: { schema: z.string().regex(/^(localhost|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+)$/, "a host name like example.com (no scheme, no port)").optional(), help: "Passkeys: the relying-party id (the site's registrable domain); unset = localhost in dev mode; in AWS mode passkeys are off until it and WEBAUTHN_ORIGINS are set." },
  WEBAUTHN_ORIGINS: { schema: z.string().regex(/^(https?:\/\/[^,\s/]+)(,https?:\/\/[^,\s/]+)*$/, "comma-separated http(s) origins").optional(), help: "Passkeys: browser origins whose assertions are accepted (each must be the RP id or a subdomain of it); unset = http://localhost:PORT in dev mode; in AWS mode set together with WEBAUTHN_RP_ID (https only)." },
  CUSTOM_AUTH_PRIVATE_KEY: { schema: z.string().min(1).optional(), help: "Ed25519 private key (PKCS#8 PEM; openssl genpkey -algorithm ed25519) that signs the answer to the pool's custom-auth triggers after a passkey or recovery code; the triggers hold only its public key (CUSTOM_AUTH_PUBLIC_KEYS, docs/production.md). Required when WEBAUTHN_RP_ID is set outside dev mode; unset there = recovery codes are off (FORBIDDEN, RECOVERY_CODES_DISABLED); unset in dev mode = a key pair generated per process (gateways sharing a cognito-local through LOCAL_COGNITO_URL must set the same key)." },
  CUSTOM_AUTH_PRIVATE_KEY_FILE: { schema: z.string().min(1).optional(), help: "A file holding CUSTOM_AUTH_PRIVATE_KEY (e.g. a mounted secret); not together with CUSTOM_AUTH_PRIVATE_KEY." },
  CUSTOM_AUTH_SECRET: { schema: z.string().optional(), help: "Deprecated and unused: the shared HMAC key of the custom-auth triggers, replaced by CUSTOM_AUTH_PRIVATE_KEY (anyone who could read a trigger's configuration could mint tokens). Refused in production; ignored with a warning in dev mode." },
  WEBAUTHN_RP_NAME: { schema: z.string().min(1).max(64).default("Auth Gateway"), help: "Passkeys: the name browsers show when a passkey is created." },
  REDIS_URL: { schema: z.string().regex(/^rediss?:\/\//, "a redis:// or rediss:// URL").optional(), help: "redis:// or rediss:// URL of the shared state store; unset = in-process memory store (one instance)." },
  DATABASE_URL: { schema: z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// URL").optional(), help: "postgres:// URL of the lasting records (passkeys, recovery codes, password history and age, locks, disabled flags, emergency grants, the alert/notice outbox; docs/durable-tier.md), migrated at start-up or by npm run migrate; in production also the audit trail (schema AUDIT_DATABASE_SCHEMA) unless AUDIT_DATABASE_URL is set. Required in production; unset in dev mode = those records live in the state store." },
  DATABASE_SCHEMA: { schema: z.string().regex(schemaNamePattern, "a lower-case SQL identifier").default("gateway"), help: "PostgreSQL schema of the lasting records (the audit trail keeps its own)." },
  DATABASE_STATEMENT_TIMEOUT_MS: { schema: z.coerce.number().int().min(50).max(60000).default(3000), help: "A lasting-record statement (or connection) not done within this many ms fails the operation (SERVICE_UNAVAILABLE)." },
  STORE_GENERATION_CHECK_SECONDS: { schema: z.coerce.number().int().min(1).max(3600).default(30), help: "With DATABASE_URL: how often the state store's generation is compared with PostgreSQL's (also at start-up and on every reconnect); a store behind or emptied is wiped (sessions end, fail closed)." },
  REDIS_KEY_PREFIX: { schema: z.string().regex(/^[\w.:-]{1,64}$/, "1–64 letters, digits, '_', '.', ':' or '-'").default("authgw:"), help: "Prefix of every Redis key: instances that share state use the same one; another prefix keeps deployments (or test runs) apart on one Redis." },
  COGNITO_USER_POOL_ID: { schema: z.string().regex(/^([a-z]{2}-[a-z]+-\d|local)_[0-9A-Za-z]+$/, "a pool id like eu-west-1_AbC123").optional(), help: "AWS mode: the user pool, e.g. eu-west-1_AbC123 (local_… only for a cognito-local stand-in at a loopback COGNITO_ENDPOINT); unset in dev mode = an embedded cognito-local. Required in production." },
  COGNITO_CLIENT_ID: { schema: z.string().regex(/^[\w+]{1,128}$/, "an app client id").optional(), help: "AWS mode: the app client id (required with COGNITO_USER_POOL_ID)." },
  COGNITO_CLIENT_SECRET: { schema: z.string().min(1).optional(), help: "AWS mode: the client secret, when the client has one (SECRET_HASH is sent; over the sub for refresh)." },
  AWS_REGION: { schema: z.string().regex(/^([a-z]{2}-[a-z]+-\d|local)$/, "an AWS region like eu-west-1").optional(), help: "AWS mode: region of the pool (required; must match the pool id)." },
  COGNITO_ENDPOINT: { schema: z.url().optional(), help: "AWS mode: override the Cognito endpoint (e.g. a VPC endpoint, or a cognito-local stand-in in tests)." },
  COGNITO_ISSUER: { schema: oauthUrl.optional(), help: "AWS mode: the iss of the pool's tokens, its JWKS at <issuer>/.well-known/jwks.json; unset = https://cognito-idp.<region>.amazonaws.com/<pool>. Only for a Cognito stand-in (required with a local_ pool)." },
  COGNITO_DOMAIN: { schema: oauthUrl.optional(), help: "Hosted login (AWS mode): the pool's domain, e.g. https://auth.example.com or https://<prefix>.auth.<region>.amazoncognito.com; turns on the OAuth 2.0 code flow." },
  OAUTH_CALLBACK_URL: { schema: oauthUrl.optional(), help: "Hosted login for browser apps: the gateway's public /auth/callback URL (one of the app client's callback URLs); https gives the cookie the __Host- prefix. Needs COGNITO_CLIENT_SECRET and OAUTH_RETURN_TO." },
  OAUTH_RETURN_TO: { schema: oauthUrls.optional(), help: "Hosted login: the pages /auth/login may return to (exact match, comma-separated); the first is the default." },
  OAUTH_REDIRECT_URIS: { schema: oauthUrls.optional(), help: "Hosted login for native and single-page apps: the redirect URIs exchangeAuthorizationCode accepts (exact match, comma-separated)." },
  OAUTH_SIGN_OUT_URL: { schema: oauthUrl.optional(), help: "Hosted login: where the pool's /logout sends the browser after POST /auth/logout (one of the app client's sign-out URLs); required with COGNITO_DOMAIN." },
  OAUTH_COOKIE_SAMESITE: { schema: z.enum(["lax", "strict"]).default("lax"), help: "SameSite of the hosted-login session cookie (lax or strict; strict drops the cookie on the first page after sign-in)." },
  EMERGENCY_ACCESS_MINUTES: { schema: z.coerce.number().int().min(1).max(120).default(30), help: "Longest emergency (break-glass) grant, in minutes (at most 120); a request may ask for less." },
  EMERGENCY_REVIEW_HOURS: { schema: z.coerce.number().int().min(1).max(720).default(24), help: "An emergency grant nobody reviewed this many hours after it was granted raises an escalation alert." },
  EMERGENCY_ACCESS: { schema: z.enum(["on", "off"]).default("on"), help: "Emergency (break-glass) access: on, or off (requestEmergencyAccess answers FORBIDDEN, EMERGENCY_ACCESS_DISABLED). Production requires ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET unless it is off." },
  ALERT_WEBHOOK_URL: { schema: z.url().regex(/^https?:\/\//, "an http(s) URL").optional(), help: "Receives a signed JSON POST for every emergency grant and every overdue review (retried, dead-lettered in the audit trail); unset = log line and metric only (dev mode; production requires it unless EMERGENCY_ACCESS=off)." },
  NOTICE_WEBHOOK_URL: { schema: z.url().regex(/^https?:\/\//, "an http(s) URL").optional(), help: "Security notices to account owners (an email change with its undo to the old address, a recovery code used, a passkey added) as a signed JSON POST { type, noticeId, email, … } for the product's mailer (retried, dead-lettered in the audit trail); unset = printed in dev mode; required in production (the old address must hear of an email change, with its undo)." },
  NOTICE_WEBHOOK_SECRET: { schema: z.string().min(32, "at least 32 characters").optional(), help: "HMAC-SHA256 key for NOTICE_WEBHOOK_URL, signed like ALERT_WEBHOOK_URL (required with NOTICE_WEBHOOK_URL)." },
  ALERT_WEBHOOK_SECRET: { schema: z.string().min(32, "at least 32 characters").optional(), help: "HMAC-SHA256 key for ALERT_WEBHOOK_URL: header x-gateway-signature: t=<unix time>,v1=<hex HMAC of t.body> (required with ALERT_WEBHOOK_URL)." },
  LOCAL_COGNITO_PORT: { schema: port.default(9229), help: "Dev mode: port of the embedded cognito-local." },
  LOCAL_COGNITO_DIR: { schema: z.string().min(1).default(".cognito"), help: "Dev mode: cognito-local keeps its data in a .cognito folder inside this directory (git-ignored)." },
  DEV_ADMIN_EMAIL: { schema: z.email().max(254).optional(), help: "Dev mode: at start, print the command that makes this account an admin (npm run admin -- grant …); creates and changes nothing itself." },
  LOCAL_COGNITO_URL: { schema: z.string().regex(/^https?:\/\/[^/\s?#]+\/?$/, "an http(s) address without a path, like http://127.0.0.1:9229").optional(), help: "Dev mode: use an already-running cognito-local at this address (e.g. another dev gateway's, http://127.0.0.1:9229) instead of spawning one; the same pool is found. Give the address it was started on: its tokens' issuer contains it. LOCAL_COGNITO_PORT, _DIR and _CODE are then unused." },
  LOCAL_COGNITO_CODE: { schema: z.string().regex(/^\d{6}$/, "six digits").optional(), help: "Dev mode: every confirmation/reset code is this value (six digits); unset = codes are printed to the console." },
  LOCAL_HOSTED_LOGIN_PORT: { schema: port.default(9230), help: "Dev mode: port of the local hosted-login page (Cognito's /oauth2/* and /logout, password + TOTP of a cognito-local account) behind the playground's \"Sign in with hosted login\" (a free port when taken); on when oidc-provider is installed (a dev dependency) and COGNITO_DOMAIN is unset." },
} as const;

export type EnvKey = keyof typeof envSchema;
export type Env = { [K in EnvKey]: z.output<(typeof envSchema)[K]["schema"]> };

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
  /** Where security notices to account owners go; absent = dev prints them, AWS mode does not send them. */
  notices: NoticeSettings | undefined;
  /** Ed25519 PKCS#8 PEM that signs the answer to Cognito's custom challenge; dev mode generates one when unset. */
  customAuthPrivateKey: string | undefined;
};

/** Signed webhooks (emergency alerts, owner notices) are retried after these delays, then dead-lettered. */
const webhookRetryDelaysMs: readonly number[] = [1000, 5000, 30_000];

const noticeSettings = (env: Env): NoticeSettings | undefined => {
  if ((env.NOTICE_WEBHOOK_URL === undefined) !== (env.NOTICE_WEBHOOK_SECRET === undefined)) {
    throw new ConfigError("Invalid configuration: NOTICE_WEBHOOK_URL and NOTICE_WEBHOOK_SECRET must be set together.");
  }
  return env.NOTICE_WEBHOOK_URL && env.NOTICE_WEBHOOK_SECRET ? { url: env.NOTICE_WEBHOOK_URL, secret: env.NOTICE_WEBHOOK_SECRET, retryDelaysMs: webhookRetryDelaysMs } : undefined;
};

const emergencySettings = (env: Env): EmergencySettings => {
  if ((env.ALERT_WEBHOOK_URL === undefined) !== (env.ALERT_WEBHOOK_SECRET === undefined)) {
    throw new ConfigError("Invalid configuration: ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET must be set together.");
  }
  return {
    enabled: env.EMERGENCY_ACCESS === "on",
    accessMinutes: env.EMERGENCY_ACCESS_MINUTES,
    reviewHours: env.EMERGENCY_REVIEW_HOURS,
    alertWebhook: env.ALERT_WEBHOOK_URL && env.ALERT_WEBHOOK_SECRET ? { url: env.ALERT_WEBHOOK_URL, secret: env.ALERT_WEBHOOK_SECRET } : undefined,
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
    const raw = source[key] === "" ? undefined : source[key];
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
  if (value === undefined || value === null) throw new ConfigError(`Invalid configuration: ${key} is required ${because}.`);
  return value as NonNullable<Env[K]>;
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

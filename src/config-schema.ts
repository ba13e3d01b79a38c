import { z } from "zod";
import { isUsableChainKey } from "./audit/postgres/chain-key";
import { schemaNamePattern } from "./audit/postgres/sql";
import { alwaysOnFeatures, isFeatureName, optionalFeatureNames, type FeatureName } from "./features/feature-names";

const port = z.coerce.number().int().min(1).max(65535);
export const isLoopbackHttp = (value: string): boolean => URL.canParse(value) && ["localhost", "127.0.0.1", "[::1]"].includes(new URL(value).hostname);
/** Browsers only ever go to HTTPS, except on the developer's own machine. */
const httpsOrLocal = (value: string): boolean => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.hash === "" && (url.protocol === "https:" || (url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname)));
};
const oauthUrl = z.string().refine(httpsOrLocal, "an https URL (http only for localhost), without #fragment");
const oauthUrls = z.string().refine((v) => v.split(",").every(httpsOrLocal), "comma-separated https URLs (http only for localhost), without #fragment");
const positiveSeconds = z.coerce.number().int().positive();
/** A connection URL of one scheme that parses whole (a port typo or an unfilled ${PORT} is refused at start, by name). */
const connectionUrl = (scheme: RegExp, what: string) =>
  // A socket URL (`postgres://user@/db?host=/cloudsql/…`) has no host, which pg allows: parsed with a stand-in one.
  z.string().regex(scheme, what).refine((value) => URL.canParse(value) || URL.canParse(value.replace("@/", "@socket/")), what);
/** Feature names, comma-separated; unknown ones and the always-on ones are refused (the gateway does not start). */
const featureList = z
  .string()
  .transform((value) => value.split(",").map((name) => name.trim()))
  .refine((names) => names.every((name) => isFeatureName(name) && !alwaysOnFeatures.includes(name)), `comma-separated feature names among ${optionalFeatureNames.join(", ")} (${alwaysOnFeatures.join(" and ")} are always on)`)
  .transform((names) => names as FeatureName[]);

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
  AUDIT_DATABASE_URL: { schema: connectionUrl(/^postgres(ql)?:\/\//, "a postgres:// URL").optional(), help: "postgres:// URL of the shared audit trail (hash-chained per instance stream, migrated at start-up); unset = DATABASE_URL in production, the AUDIT_LOG_FILE file in dev mode." },
  AUDIT_CHAIN_KEY: { schema: z.string().refine(isUsableChainKey, "at least 32 bytes, e.g. openssl rand -base64 32").optional(), help: "Key of the HMAC-SHA256 seal on every PostgreSQL audit record and checkpoint (keep it outside the database, e.g. in a secrets manager); npm run audit:verify needs it to refuse forged streams. Required whenever the PostgreSQL audit trail is used outside dev mode (so always in production); unset in dev mode = generated once into LOCAL_COGNITO_DIR/audit-chain.key." },
  AUDIT_DATABASE_SCHEMA: { schema: z.string().regex(schemaNamePattern, "a lower-case SQL identifier").default("audit"), help: "PostgreSQL schema of the audit tables." },
  AUDIT_SPOOL_FILE: { schema: z.string().min(1).default("audit-spool.jsonl"), help: "Local fsync'd spool for the records that never wait on the audit sink (logout, disable, lock, a revoked passkey or group, outcomes the sink missed), shipped in order when the sink is back; keep it on a local disk." },
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
  DISABLED_FEATURES: { schema: featureList.optional(), help: `Features removed from the API, comma-separated (docs/features.md): ${optionalFeatureNames.join(", ")}. A feature that is off is absent from the schema (its fields answer GRAPHQL_VALIDATION_FAILED), the permission map and the limits; ${alwaysOnFeatures.join(" and ")} are always on. An unknown name stops start-up. Unset = every feature on.` },
  PLAYGROUND: { schema: z.enum(["on", "off"]).optional(), help: "Serve the GraphQL playground at /; unset = on in dev mode, off in AWS mode." },
  SUBGRAPHS: { schema: z.string().regex(/^[a-z][\w-]*=https?:\/\/[^,\s]+(,[a-z][\w-]*=https?:\/\/[^,\s]+)*$/, "name=url pairs separated by commas").optional(), help: "Gateway mode: the product's subgraphs as name=url,… composed with the gateway's own API at one endpoint." },
  SUPERGRAPH_FILE: { schema: z.string().min(1).optional(), help: "Gateway mode: a composed supergraph (npm run compose) instead of introspecting SUBGRAPHS at start-up." },
  FEDERATION_ISSUER: { schema: z.string().min(1).max(200).default("auth-gateway"), help: "Gateway mode: the iss of the identity assertions subgraphs receive." },
  FEDERATION_SIGNING_KEYS: { schema: z.string().regex(/^[\w.-]+=[^,]+(,[\w.-]+=[^,]+)*$/, "kid=path-to-PEM pairs separated by commas").optional(), help: "Gateway mode: EC P-256 private keys (kid=file.pem,…), the first signs, all are published; required in AWS mode, generated in dev." },
  CLIENT_TOKENS: { schema: z.enum(["gateway", "provider"]).default("gateway"), help: "What bearer clients receive as accessToken and refreshToken: gateway (opaque handles; Cognito's tokens stay sealed in the state store, so a stolen one opens no door at Cognito's public API) or provider (deprecated: Cognito's own tokens, for apps that still decode the access token; warned at start, refused in production). idToken is Cognito's in both." },
  TOKEN_CACHE_SIZE: { schema: z.coerce.number().int().min(0).default(10000), help: "Verified access tokens, and the access handles standing for them, remembered in process until they expire (LRU each); 0 verifies (and looks up) every request." },
  TOTP_ISSUER: { schema: z.string().min(1).max(64).regex(/^[^:]+$/, "a name without ':'").default("Auth Gateway"), help: "Issuer name shown in authenticator apps." },
  TOTP_SEAL_KEY: { schema: z.string().refine(isUsableChainKey, "at least 32 bytes, e.g. openssl rand -base64 32").optional(), help: "Key that seals the gateway's copy of each enrolled TOTP secret (step-up codes are checked against it, never through Cognito's VerifySoftwareToken, which a stolen token can point at a new secret); keep it outside the database. Required in production; unset in dev mode = derived from the local pool (not secret, like the emulator)." },
  WEBAUTHN_RP_ID: { schema: z.string().regex(/^(localhost|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+)$/, "a host name like example.com (no scheme, no port)").optional(), help: "Passkeys: the relying-party id (the site's registrable domain); unset = localhost in dev mode; in AWS mode passkeys are off until it and WEBAUTHN_ORIGINS are set." },
  WEBAUTHN_ORIGINS: { schema: z.string().regex(/^(https?:\/\/[^,\s/]+)(,https?:\/\/[^,\s/]+)*$/, "comma-separated http(s) origins").optional(), help: "Passkeys: browser origins whose assertions are accepted (each must be the RP id or a subdomain of it); unset = http://localhost:PORT in dev mode; in AWS mode set together with WEBAUTHN_RP_ID (https only)." },
  CUSTOM_AUTH_PRIVATE_KEY: { schema: z.string().min(1).optional(), help: "Ed25519 private key (PKCS#8 PEM; openssl genpkey -algorithm ed25519) that signs the answer to the pool's custom-auth triggers after a passkey or recovery code; the triggers hold only its public key (CUSTOM_AUTH_PUBLIC_KEYS, docs/production.md). Required when WEBAUTHN_RP_ID is set outside dev mode; unset there = recovery codes are off (FORBIDDEN, RECOVERY_CODES_DISABLED); unset in dev mode = a key pair generated per process (gateways sharing a cognito-local through LOCAL_COGNITO_URL must set the same key)." },
  CUSTOM_AUTH_PRIVATE_KEY_FILE: { schema: z.string().min(1).optional(), help: "A file holding CUSTOM_AUTH_PRIVATE_KEY (e.g. a mounted secret); not together with CUSTOM_AUTH_PRIVATE_KEY." },
  CUSTOM_AUTH_SECRET: { schema: z.string().optional(), help: "Deprecated and unused: the shared HMAC key of the custom-auth triggers, replaced by CUSTOM_AUTH_PRIVATE_KEY (anyone who could read a trigger's configuration could mint tokens). Refused in production; ignored with a warning in dev mode." },
  WEBAUTHN_RP_NAME: { schema: z.string().min(1).max(64).default("Auth Gateway"), help: "Passkeys: the name browsers show when a passkey is created." },
  REDIS_URL: { schema: connectionUrl(/^rediss?:\/\//, "a redis:// or rediss:// URL").optional(), help: "redis:// or rediss:// URL of the shared state store; unset = in-process memory store (one instance)." },
  DATABASE_URL: { schema: connectionUrl(/^postgres(ql)?:\/\//, "a postgres:// URL").optional(), help: "postgres:// URL of the lasting records (passkeys, recovery codes, password history and age, locks, disabled flags, emergency grants, the alert/notice outbox; docs/durable-tier.md), migrated at start-up or by npm run migrate; in production also the audit trail (schema AUDIT_DATABASE_SCHEMA) unless AUDIT_DATABASE_URL is set. Required in production; unset in dev mode = those records live in the state store." },
  DATABASE_SCHEMA: { schema: z.string().regex(schemaNamePattern, "a lower-case SQL identifier").default("gateway"), help: "PostgreSQL schema of the lasting records (the audit trail keeps its own)." },
  DATABASE_STATEMENT_TIMEOUT_MS: { schema: z.coerce.number().int().min(50).max(60000).default(3000), help: "A lasting-record statement (or connection) not done within this many ms fails the operation (SERVICE_UNAVAILABLE)." },
  STORE_GENERATION_CHECK_SECONDS: { schema: z.coerce.number().int().min(1).max(3600).default(30), help: "With DATABASE_URL: how often the state store's generation is compared with PostgreSQL's (also at start-up and on every reconnect; a check that could not run is tried again every 2 s until one does, so this is not the recovery time); a store behind or emptied is wiped (sessions end, fail closed)." },
  REDIS_KEY_PREFIX: { schema: z.string().regex(/^[\w.:-]{1,64}$/, "1–64 letters, digits, '_', '.', ':' or '-'").default("authgw:"), help: "Prefix of every Redis key: instances that share state use the same one; another prefix keeps deployments (or test runs) apart on one Redis. Keys are `<prefix>|<name>`, so prefixes may nest (`prod:` beside `prod:eu:`): a stale-store wipe empties this deployment's keys only. Upgrading from a release with keys `<prefix><name>` ends every session once (a rolling upgrade is safe: docs/durable-tier.md)." },
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
  EMERGENCY_ACCESS: { schema: z.enum(["on", "off"]).default("on"), help: "Deprecated: use DISABLED_FEATURES=emergency-access, which removes the feature from the schema. Emergency (break-glass) access: on, or off (requestEmergencyAccess stays in the schema and answers FORBIDDEN, EMERGENCY_ACCESS_DISABLED). Production requires ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET unless it is off." },
  ALERT_WEBHOOK_URL: { schema: z.url().regex(/^https?:\/\//, "an http(s) URL").optional(), help: "Receives a signed JSON POST for every emergency grant and every overdue review (retried, dead-lettered in the audit trail); unset = log line and metric only (dev mode; production requires it unless emergency access is off: DISABLED_FEATURES=emergency-access, or the deprecated EMERGENCY_ACCESS=off)." },
  NOTICE_WEBHOOK_URL: { schema: z.url().regex(/^https?:\/\//, "an http(s) URL").optional(), help: "Security notices to account owners (an email change with its undo to the old address, a recovery code used, a passkey added) as a signed JSON POST { type, noticeId, email, … } for the product's mailer (retried, dead-lettered in the audit trail); unset = printed in dev mode; required in production (the old address must hear of an email change, with its undo)." },
  NOTICE_WEBHOOK_SECRET: { schema: z.string().refine((secret) => secret.trim().length >= 32, "at least 32 characters, blanks around them not counted").optional(), help: "HMAC-SHA256 key for NOTICE_WEBHOOK_URL, signed like ALERT_WEBHOOK_URL (required with NOTICE_WEBHOOK_URL)." },
  ALERT_WEBHOOK_SECRET: { schema: z.string().refine((secret) => secret.trim().length >= 32, "at least 32 characters, blanks around them not counted").optional(), help: "HMAC-SHA256 key for ALERT_WEBHOOK_URL: header x-gateway-signature: t=<unix time>,v1=<hex HMAC of t.body> (required with ALERT_WEBHOOK_URL)." },
  NOTICE_WEBHOOK_PREVIOUS_SECRET: { schema: z.string().refine((secret) => secret.trim().length >= 32, "at least 32 characters, blanks around them not counted").optional(), help: "During a rotation of NOTICE_WEBHOOK_SECRET: the secret being replaced. Notices that instances still on it left in the outbox open (they are sent signed with the new one); unset it once every instance runs on the new secret and the outbox has drained (docs/durable-tier.md)." },
  ALERT_WEBHOOK_PREVIOUS_SECRET: { schema: z.string().refine((secret) => secret.trim().length >= 32, "at least 32 characters, blanks around them not counted").optional(), help: "During a rotation of ALERT_WEBHOOK_SECRET: the secret being replaced, as NOTICE_WEBHOOK_PREVIOUS_SECRET is for notices." },
  LOCAL_COGNITO_PORT: { schema: port.default(9229), help: "Dev mode: port of the embedded cognito-local." },
  LOCAL_COGNITO_DIR: { schema: z.string().min(1).default(".cognito"), help: "Dev mode: cognito-local keeps its data in a .cognito folder inside this directory (git-ignored)." },
  DEV_ADMIN_EMAIL: { schema: z.email().max(254).optional(), help: "Dev mode: at start, print the command that makes this account an admin (npm run admin -- grant …); creates and changes nothing itself." },
  LOCAL_COGNITO_URL: { schema: z.string().regex(/^https?:\/\/[^/\s?#]+\/?$/, "an http(s) address without a path, like http://127.0.0.1:9229").optional(), help: "Dev mode: use an already-running cognito-local at this address (e.g. another dev gateway's, http://127.0.0.1:9229) instead of spawning one; the same pool is found. Give the address it was started on: its tokens' issuer contains it. LOCAL_COGNITO_PORT, _DIR and _CODE are then unused." },
  LOCAL_COGNITO_CODE: { schema: z.string().regex(/^\d{6}$/, "six digits").optional(), help: "Dev mode: every confirmation/reset code is this value (six digits); unset = codes are printed to the console." },
  LOCAL_HOSTED_LOGIN_PORT: { schema: port.default(9230), help: "Dev mode: port of the local hosted-login page (Cognito's /oauth2/* and /logout, password + TOTP of a cognito-local account) behind the playground's \"Sign in with hosted login\" (a free port when taken); on when oidc-provider is installed (a dev dependency) and COGNITO_DOMAIN is unset." },
} as const;

export type EnvKey = keyof typeof envSchema;
export type Env = { [K in EnvKey]: z.output<(typeof envSchema)[K]["schema"]> };

/**
 * Empty or only blanks: not given. A `KEY= ` line in an env file or a template of an unset variable must not
 * count as a setting (32 spaces would otherwise be accepted as an audit-chain or TOTP sealing key).
 */
export const isBlank = (value: string | undefined): boolean => value === undefined || value.trim() === "";

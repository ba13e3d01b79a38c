import { readFileSync } from "node:fs";
import { isBlank, type Env, type EnvKey } from "./config-schema";
import { ConfigError } from "./config-error";
import { customAuthSigningKey } from "./shared/custom-auth-proof";

/**
 * What production mode demands of the environment. Production fails closed: a forgotten setting stops the
 * start with every problem named at once, instead of quietly running on dev defaults (memory store, file
 * audit, one global rate-limit bucket, alert-less emergency access).
 */
export type ProductionTier = "required" | "optional" | "dev-only";

/** Required in production, with why (the settings table and the refusal say the same). */
const required: Partial<Record<EnvKey, string>> = {
  COGNITO_USER_POOL_ID: "the user pool",
  COGNITO_CLIENT_ID: "the pool's app client",
  AWS_REGION: "the pool's region",
  REDIS_URL: "the shared state store; the memory store would lose sessions and limits on restart and per instance",
  DATABASE_URL: "PostgreSQL for lasting records and the audit trail",
  AUDIT_CHAIN_KEY: "the key that seals every audit record outside the database; without it the gateway's own database role could write a whole trail that verifies",
  TOTP_SEAL_KEY: "the key that seals the gateway's copy of each enrolled TOTP secret, which step-up codes are checked against",
  NOTICE_WEBHOOK_URL: "security notices to account owners: the old address must hear of an email change (with its undo), a new passkey or a used recovery code",
  NOTICE_WEBHOOK_SECRET: "the key that signs those notices",
  TRUST_PROXY_HOPS: "set it explicitly, 0 included: behind a load balancer the default would make every per-address limit one global bucket",
};

/** Emergency access is on unless DISABLED_FEATURES names it or the deprecated EMERGENCY_ACCESS is off. */
export const emergencyAccessOn = (emergencyAccess: string | undefined, disabledFeatures: readonly string[] | undefined): boolean =>
  emergencyAccess !== "off" && !(disabledFeatures ?? []).includes("emergency-access");

/** Required while emergency access is on (not DISABLED_FEATURES=emergency-access, not EMERGENCY_ACCESS=off): every grant must reach someone, not only a log line. */
const alerting: readonly EnvKey[] = ["ALERT_WEBHOOK_URL", "ALERT_WEBHOOK_SECRET"];

/** Dev-mode settings: set in production they are refused, so a dev environment cannot be shipped by accident. */
const devOnly: Partial<Record<EnvKey, string>> = {
  LOCAL_COGNITO_PORT: "dev mode's embedded cognito-local",
  LOCAL_COGNITO_DIR: "dev mode's embedded cognito-local",
  LOCAL_COGNITO_URL: "dev mode's shared cognito-local",
  LOCAL_COGNITO_CODE: "fixed confirmation codes",
  DEV_ADMIN_EMAIL: "a dev-mode hint",
  AUDIT_LOG_FILE: "the audit trail is PostgreSQL in production (AUDIT_DATABASE_URL, else DATABASE_URL)",
  CUSTOM_AUTH_SECRET: "the old shared HMAC key lets anyone who reads a trigger's configuration mint tokens; use CUSTOM_AUTH_PRIVATE_KEY",
};

export const productionTier = (key: EnvKey): { tier: ProductionTier; note?: string } => {
  const why = required[key];
  if (why !== undefined) return { tier: "required", note: why };
  if (alerting.includes(key)) return { tier: "required", note: "unless DISABLED_FEATURES=emergency-access or EMERGENCY_ACCESS=off" };
  const dev = devOnly[key];
  if (dev !== undefined) return { tier: "dev-only", note: dev };
  if (key === "CUSTOM_AUTH_PRIVATE_KEY") return { tier: "optional", note: "required (or its _FILE) when WEBAUTHN_RP_ID is set" };
  if (key === "CLIENT_TOKENS") return { tier: "optional", note: "provider is refused" };
  if (key === "FEDERATION_SIGNING_KEYS") return { tier: "optional", note: "required when SUBGRAPHS is set" };
  return { tier: "optional" };
};

const given = (source: NodeJS.ProcessEnv, key: string): boolean => !isBlank(source[key]);

/** Every missing or unsafe production setting, one line each (values are never echoed). */
export const productionProblems = (env: Partial<Env>, source: NodeJS.ProcessEnv): string[] => {
  const problems: string[] = [];
  for (const [key, why] of Object.entries(required)) if (!given(source, key)) problems.push(`${key} is required (${why})`);
  if (emergencyAccessOn(source["EMERGENCY_ACCESS"], env.DISABLED_FEATURES)) {
    for (const key of alerting) if (!given(source, key)) problems.push(`${key} is required unless emergency access is off (DISABLED_FEATURES=emergency-access, or the deprecated EMERGENCY_ACCESS=off): every emergency grant raises an alert`);
  }
  for (const [key, why] of Object.entries(devOnly)) if (given(source, key)) problems.push(`${key} is refused in production (${why})`);
  const hasKey = given(source, "CUSTOM_AUTH_PRIVATE_KEY") || given(source, "CUSTOM_AUTH_PRIVATE_KEY_FILE");
  if (given(source, "WEBAUTHN_RP_ID") && !hasKey) problems.push("CUSTOM_AUTH_PRIVATE_KEY (or CUSTOM_AUTH_PRIVATE_KEY_FILE) is required when WEBAUTHN_RP_ID is set (passkey sign-in)");
  if (given(source, "SUBGRAPHS") && !given(source, "FEDERATION_SIGNING_KEYS")) problems.push("FEDERATION_SIGNING_KEYS is required when SUBGRAPHS is set (generated keys differ per instance)");
  if (source["CLIENT_TOKENS"] === "provider") problems.push("CLIENT_TOKENS=provider is refused in production (clients would hold Cognito's own tokens, which Cognito's public API accepts without the gateway's step-up)");
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT === env.PORT) problems.push("METRICS_PORT must differ from PORT (/metrics is never served on the API port in production)");
  if (hasKey) {
    try {
      customAuthPrivateKey(env);
    } catch (error) {
      problems.push(error instanceof ConfigError ? error.message.replace(/^Invalid configuration: /, "").replace(/\.$/, "") : "CUSTOM_AUTH_PRIVATE_KEY is not valid");
    }
  }
  return problems;
};

/** The one message a refused production start prints: a header, then each problem on its own line. */
export const refusal = (problems: readonly string[]): string =>
  [`Production mode (GATEWAY_MODE=production) refuses to start; ${problems.length} setting${problems.length === 1 ? "" : "s"} to fix:`, ...problems.map((p) => `  - ${p}`)].join("\n");

/**
 * The custom-auth signing key as PEM, from CUSTOM_AUTH_PRIVATE_KEY or the file CUSTOM_AUTH_PRIVATE_KEY_FILE;
 * undefined when neither is set. Throws a ConfigError (never echoing the key) unless it is an Ed25519 PKCS#8 key.
 */
export const customAuthPrivateKey = (env: Partial<Pick<Env, "CUSTOM_AUTH_PRIVATE_KEY" | "CUSTOM_AUTH_PRIVATE_KEY_FILE">>): string | undefined => {
  const inline = env.CUSTOM_AUTH_PRIVATE_KEY;
  const file = env.CUSTOM_AUTH_PRIVATE_KEY_FILE;
  if (inline !== undefined && file !== undefined) throw new ConfigError("Invalid configuration: CUSTOM_AUTH_PRIVATE_KEY and CUSTOM_AUTH_PRIVATE_KEY_FILE are exclusive.");
  if (inline === undefined && file === undefined) return undefined;
  let pem: string;
  try {
    // A PEM passed through a one-line environment value often has its newlines escaped.
    pem = inline !== undefined ? inline.replace(/\\n/g, "\n") : readFileSync(file as string, "utf8");
  } catch {
    throw new ConfigError("Invalid configuration: CUSTOM_AUTH_PRIVATE_KEY_FILE is not a readable file.");
  }
  try {
    customAuthSigningKey(pem);
  } catch {
    const name = inline !== undefined ? "CUSTOM_AUTH_PRIVATE_KEY" : "CUSTOM_AUTH_PRIVATE_KEY_FILE";
    throw new ConfigError(`Invalid configuration: ${name} is not valid (expected an Ed25519 private key, PKCS#8 PEM).`);
  }
  return pem;
};

/** What the composition root must never be given in production, whoever calls it (config refuses these first). */
export const assertProductionSettings = (
  settings: { redisUrl: string | undefined; auditDatabase?: unknown; cognito: { emulator?: boolean | undefined } },
  overrides: { store?: unknown; auditSink?: unknown },
): void => {
  const wrong = [
    settings.redisUrl === undefined && overrides.store === undefined && "no REDIS_URL (the memory store)",
    settings.auditDatabase === undefined && overrides.auditSink === undefined && "no PostgreSQL audit trail (the file sink)",
    settings.cognito.emulator === true && "an emulated Cognito",
  ].filter((w): w is string => typeof w === "string");
  if (wrong.length > 0) throw new Error(`production mode cannot start with ${wrong.join(", ")}`);
};

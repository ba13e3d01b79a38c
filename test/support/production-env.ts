import { testCognito, type TestCognito } from "../setup/test-cognito";
import { freePort } from "./gateway-process";

/** The keys and notice webhook every production start requires (one place to add the next required one). */
export const productionKeys = {
  AUDIT_CHAIN_KEY: "k".repeat(32),
  TOTP_SEAL_KEY: "t".repeat(32),
  NOTICE_WEBHOOK_URL: "http://127.0.0.1:9/notices",
  NOTICE_WEBHOOK_SECRET: "n".repeat(32),
};

/** A production environment on this machine: the run's cognito-local as the "AWS" pool, real Redis and PostgreSQL. */
export const standInProductionEnv = (cognito: TestCognito & { issuer: string }, redisKeyPrefix: string, database: string): Record<string, string> => ({
  COGNITO_USER_POOL_ID: cognito.userPoolId,
  COGNITO_CLIENT_ID: cognito.clientId,
  AWS_REGION: "local",
  COGNITO_ENDPOINT: cognito.endpoint,
  COGNITO_ISSUER: cognito.issuer,
  // cognito-local checks no signature on its admin API, but the SDK wants credentials to sign with.
  AWS_ACCESS_KEY_ID: "local",
  AWS_SECRET_ACCESS_KEY: "local",
  REDIS_URL: "redis://127.0.0.1:6379",
  REDIS_KEY_PREFIX: redisKeyPrefix,
  DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
  ...productionKeys,
});

/**
 * A production-mode gateway process on a private Redis and PostgreSQL (the operator's fault tests): the run's
 * cognito-local as the pool, no limits in the way, `overrides` last.
 */
export const privateProductionEnv = async (servers: { redisUrl: string; databaseUrl: string; keyPrefix: string }, overrides: Record<string, string> = {}): Promise<Record<string, string>> => {
  const cognito = testCognito();
  return {
    ...standInProductionEnv({ ...cognito, issuer: `${cognito.endpoint}/${cognito.userPoolId}` }, servers.keyPrefix, "postgres"),
    GATEWAY_MODE: "production",
    PORT: String(await freePort()),
    HOST: "127.0.0.1",
    TRUST_PROXY_HOPS: "0",
    DISABLED_FEATURES: "emergency-access",
    REDIS_URL: servers.redisUrl,
    DATABASE_URL: servers.databaseUrl,
    RATE_LIMIT_IP_PER_MINUTE: "0",
    RATE_LIMIT_ACCOUNT_PER_MINUTE: "0",
    RATE_LIMIT_USER_PER_MINUTE: "0",
    LOG_LEVEL: "info",
    ...overrides,
  };
};

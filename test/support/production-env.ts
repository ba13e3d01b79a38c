import type { TestCognito } from "../setup/test-cognito";

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

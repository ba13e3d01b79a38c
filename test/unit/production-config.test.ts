import { ConfigError, gatewayModeOf, loadConfig } from "../../src/config";
import { generateCustomAuthKeyPair } from "../../src/shared/custom-auth-proof";
import { productionKeys } from "../support/production-env";

const production = {
  GATEWAY_MODE: "production",
  COGNITO_USER_POOL_ID: "eu-west-1_AbC123",
  COGNITO_CLIENT_ID: "abc123client",
  AWS_REGION: "eu-west-1",
  REDIS_URL: "rediss://cache.internal:6379",
  DATABASE_URL: "postgres://gateway@db.internal:5432/gateway",
  ...productionKeys,
  TRUST_PROXY_HOPS: "1",
  ALERT_WEBHOOK_URL: "https://alerts.example.com/hook",
  ALERT_WEBHOOK_SECRET: "s".repeat(32),
};

const refusalOf = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected production to refuse");
};
const problemsOf = (message: string) => message.split("\n").slice(1).map((line) => line.replace(/^ {2}- /, ""));

describe("the gateway mode", () => {
  it("is GATEWAY_MODE when set, else production exactly when NODE_ENV=production", () => {
    expect(gatewayModeOf({})).toBe("dev");
    expect(gatewayModeOf({ NODE_ENV: "production" })).toBe("production");
    expect(gatewayModeOf({ NODE_ENV: "development" })).toBe("dev");
    expect(gatewayModeOf({ GATEWAY_MODE: "production" })).toBe("production");
    expect(gatewayModeOf({ GATEWAY_MODE: "dev", NODE_ENV: "production" })).toBe("dev");
    expect(loadConfig({})).toMatchObject({ gatewayMode: "dev", mode: "dev" });
  });
});

describe("production mode", () => {
  it("refuses an empty environment, naming every required setting at once", () => {
    const message = refusalOf({ NODE_ENV: "production" });
    expect(message.split("\n")[0]).toBe("Production mode (GATEWAY_MODE=production) refuses to start; 12 settings to fix:");
    expect(problemsOf(message).map((p) => p.split(" ")[0])).toEqual(["COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "AWS_REGION", "REDIS_URL", "DATABASE_URL", "AUDIT_CHAIN_KEY", "TOTP_SEAL_KEY", "NOTICE_WEBHOOK_URL", "NOTICE_WEBHOOK_SECRET", "TRUST_PROXY_HOPS", "ALERT_WEBHOOK_URL", "ALERT_WEBHOOK_SECRET"]);
  });

  it("names missing, invalid and unsafe settings together, never echoing a value", () => {
    const message = refusalOf({
      ...production,
      REDIS_URL: undefined,
      PORT: "s3cr3t-port",
      CUSTOM_AUTH_SECRET: "s3cr3t-hmac-key-of-the-old-kind-0000000",
      LOCAL_COGNITO_URL: "http://127.0.0.1:9229",
      AUDIT_LOG_FILE: "audit.jsonl",
      WEBAUTHN_RP_ID: "example.com",
      WEBAUTHN_ORIGINS: "https://app.example.com",
      SUBGRAPHS: "patients=https://patients.internal/graphql",
    });
    const problems = problemsOf(message);
    expect(problems).toEqual([
      expect.stringMatching(/^PORT is not valid \(expected /),
      expect.stringMatching(/^REDIS_URL is required/),
      expect.stringMatching(/^LOCAL_COGNITO_URL is refused in production/),
      expect.stringMatching(/^AUDIT_LOG_FILE is refused in production \(the audit trail is PostgreSQL/),
      expect.stringMatching(/^CUSTOM_AUTH_SECRET is refused in production \(the old shared HMAC key/),
      expect.stringMatching(/^CUSTOM_AUTH_PRIVATE_KEY \(or CUSTOM_AUTH_PRIVATE_KEY_FILE\) is required when WEBAUTHN_RP_ID is set/),
      expect.stringMatching(/^FEDERATION_SIGNING_KEYS is required when SUBGRAPHS is set/),
    ]);
    expect(message).not.toContain("s3cr3t");
  });

  it("needs no alert webhook when emergency access is off", () => {
    expect(loadConfig({ ...production, ALERT_WEBHOOK_URL: undefined, ALERT_WEBHOOK_SECRET: undefined, EMERGENCY_ACCESS: "off" }).emergency).toMatchObject({ enabled: false, alertWebhook: undefined });
    expect(problemsOf(refusalOf({ ...production, ALERT_WEBHOOK_SECRET: undefined }))).toEqual([expect.stringMatching(/^ALERT_WEBHOOK_SECRET is required unless emergency access is off \(DISABLED_FEATURES=emergency-access/)]);
  });

  it("needs no alert webhook when emergency access is removed (DISABLED_FEATURES), and turns it off behind the schema too", () => {
    const config = loadConfig({ ...production, ALERT_WEBHOOK_URL: undefined, ALERT_WEBHOOK_SECRET: undefined, DISABLED_FEATURES: "emergency-access,audit-review" });
    expect(config.emergency).toMatchObject({ enabled: false, alertWebhook: undefined });
    expect(config.disabledFeatures).toEqual(["emergency-access", "audit-review"]);
  });

  it("refuses CLIENT_TOKENS=provider (clients would hold Cognito's own tokens), takes gateway, defaults to gateway", () => {
    expect(problemsOf(refusalOf({ ...production, CLIENT_TOKENS: "provider" }))).toEqual([expect.stringMatching(/^CLIENT_TOKENS=provider is refused in production/)]);
    expect(loadConfig({ ...production, CLIENT_TOKENS: "gateway" }).clientTokens).toBe("gateway");
    expect(loadConfig(production).clientTokens).toBe("gateway");
    expect(loadConfig({ CLIENT_TOKENS: "provider" }).clientTokens).toBe("provider");
  });

  it("takes TRUST_PROXY_HOPS=0 when it is said, not when it is forgotten", () => {
    expect(loadConfig({ ...production, TRUST_PROXY_HOPS: "0" }).trustProxyHops).toBe(0);
    expect(problemsOf(refusalOf({ ...production, TRUST_PROXY_HOPS: undefined }))).toEqual([expect.stringMatching(/^TRUST_PROXY_HOPS is required/)]);
  });

  it("refuses METRICS_PORT on the API port, and consistency errors in the same format", () => {
    expect(problemsOf(refusalOf({ ...production, PORT: "8080", METRICS_PORT: "8080" }))).toEqual([expect.stringMatching(/^METRICS_PORT must differ from PORT/)]);
    expect(problemsOf(refusalOf({ ...production, AWS_REGION: "us-east-1" }))).toEqual(["COGNITO_USER_POOL_ID belongs to another region than AWS_REGION (us-east-1)"]);
  });

  it("starts on a complete environment: AWS pool, Redis, the audit trail in PostgreSQL, no playground, no metrics on the API port", () => {
    const key = generateCustomAuthKeyPair().privateKeyPem;
    const config = loadConfig({ ...production, METRICS_PORT: "9100", CUSTOM_AUTH_PRIVATE_KEY: key });
    expect(config).toMatchObject({
      gatewayMode: "production",
      mode: "aws",
      host: "0.0.0.0",
      playground: false,
      redisUrl: production.REDIS_URL,
      databaseUrl: production.DATABASE_URL,
      auditDatabase: { url: production.DATABASE_URL, schema: "audit" },
      metricsPort: 9100,
      keepAliveSeconds: 65,
      trustProxyHops: 1,
      customAuthPrivateKey: key,
      emergency: { enabled: true, alertWebhook: { url: production.ALERT_WEBHOOK_URL } },
    });
    expect(loadConfig({ ...production, AUDIT_DATABASE_URL: "postgres://audit@audit.internal/audit" }).auditDatabase).toMatchObject({ url: "postgres://audit@audit.internal/audit" });
  });

  it("leaves dev mode's defaults as they were", () => {
    expect(loadConfig({})).toMatchObject({ gatewayMode: "dev", redisUrl: undefined, auditDatabase: undefined, auditLogFile: "audit.jsonl", trustProxyHops: 0, metricsPort: undefined, emergency: { enabled: true, alertWebhook: undefined } });
  });
});

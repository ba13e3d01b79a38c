import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config";
import { generateCustomAuthKeyPair } from "../../src/shared/custom-auth-proof";

const customAuthKey = generateCustomAuthKeyPair().privateKeyPem;

const aws = { COGNITO_USER_POOL_ID: "eu-west-1_AbC123", COGNITO_CLIENT_ID: "abc123client", AWS_REGION: "eu-west-1", WEBAUTHN_RP_ID: "example.com", WEBAUTHN_ORIGINS: "https://app.example.com", CUSTOM_AUTH_PRIVATE_KEY: customAuthKey };

describe("loadConfig", () => {
  it("defaults to dev mode with an embedded cognito-local", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ mode: "dev", port: 4000, host: "127.0.0.1", localCognito: { port: 9229, dir: ".cognito", code: undefined } });
  });

  it("builds the AWS issuer and JWKS URL from the pool and region", () => {
    const config = loadConfig(aws);
    expect(config.mode).toBe("aws");
    if (config.mode !== "aws") return;
    expect(config.host).toBe("0.0.0.0");
    expect(config.cognito.issuer).toBe("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123");
    expect(config.cognito.jwksUri).toBe("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json");
  });

  it.each([
    [{ ...aws, AWS_REGION: undefined }, "AWS_REGION is required"],
    [{ ...aws, COGNITO_CLIENT_ID: undefined }, "COGNITO_CLIENT_ID is required"],
    [{ ...aws, AWS_REGION: "us-east-1" }, "COGNITO_USER_POOL_ID belongs to another region"],
    [{ COGNITO_CLIENT_ID: "abc" }, "COGNITO_USER_POOL_ID is required when COGNITO_CLIENT_ID is set"],
    [{ PORT: "http" }, "PORT is not valid"],
    [{ CHALLENGE_TTL_SECONDS: "900" }, "CHALLENGE_TTL_SECONDS is not valid"],
    [{ REDIS_URL: "localhost:6379" }, "REDIS_URL is not valid"],
    [{ LOCAL_COGNITO_CODE: "12345" }, "LOCAL_COGNITO_CODE is not valid (expected six digits)"],
    [{ ...aws, SUBGRAPHS: "patients=https://patients.internal/graphql" }, "FEDERATION_SIGNING_KEYS is required in AWS mode when SUBGRAPHS is set"],
    [{ SUBGRAPHS: "patients" }, "SUBGRAPHS is not valid (expected name=url pairs separated by commas)"],
    [{ ...aws, WEBAUTHN_RP_ID: undefined }, "WEBAUTHN_RP_ID is required when WEBAUTHN_ORIGINS is set"],
    [{ ...aws, WEBAUTHN_ORIGINS: undefined }, "WEBAUTHN_ORIGINS is required when WEBAUTHN_RP_ID is set"],
    [{ ...aws, WEBAUTHN_ORIGINS: "https://evil.example" }, "WEBAUTHN_ORIGINS has an origin outside WEBAUTHN_RP_ID (example.com)"],
    [{ ...aws, WEBAUTHN_ORIGINS: "http://app.example.com" }, "WEBAUTHN_ORIGINS must be https:// in AWS mode"],
    [{ WEBAUTHN_RP_ID: "https://example.com" }, "WEBAUTHN_RP_ID is not valid"],
    [{ ...aws, CUSTOM_AUTH_PRIVATE_KEY: undefined }, "CUSTOM_AUTH_PRIVATE_KEY (or CUSTOM_AUTH_PRIVATE_KEY_FILE) is required when WEBAUTHN_RP_ID is set"],
    [{ CUSTOM_AUTH_PRIVATE_KEY: "s3cr3t-not-a-key" }, "CUSTOM_AUTH_PRIVATE_KEY is not valid (expected an Ed25519 private key, PKCS#8 PEM)"],
    [{ CUSTOM_AUTH_PRIVATE_KEY: generateCustomAuthKeyPair().publicKeyPem }, "CUSTOM_AUTH_PRIVATE_KEY is not valid"],
    [{ CUSTOM_AUTH_PRIVATE_KEY_FILE: "/nonexistent/key.pem" }, "CUSTOM_AUTH_PRIVATE_KEY_FILE is not a readable file"],
    [{ CUSTOM_AUTH_PRIVATE_KEY: customAuthKey, CUSTOM_AUTH_PRIVATE_KEY_FILE: "/keys/a.pem" }, "CUSTOM_AUTH_PRIVATE_KEY and CUSTOM_AUTH_PRIVATE_KEY_FILE are exclusive"],
    [{ ...aws, AWS_REGION: "local", COGNITO_USER_POOL_ID: "local_AbC123" }, "a local pool (cognito-local) needs COGNITO_ENDPOINT on this machine"],
    [{ ...aws, AUDIT_DATABASE_URL: "postgres://db/audit" }, "AUDIT_CHAIN_KEY is required outside dev mode whenever the audit trail is PostgreSQL"],
    [{ AUDIT_CHAIN_KEY: "short" }, "AUDIT_CHAIN_KEY is not valid (expected at least 32 bytes"],
  ])("stops with one line naming the variable: %j", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("defaults passkeys to localhost in dev mode", () => {
    expect(loadConfig({ PORT: "4100" }).webauthn).toEqual({ rpId: "localhost", rpName: "Auth Gateway", origins: ["http://localhost:4100"] });
    expect(loadConfig(aws).webauthn).toEqual({ rpId: "example.com", rpName: "Auth Gateway", origins: ["https://app.example.com"] });
    // AWS mode without the two variables: passkeys are off (existing deployments start unchanged).
    expect(loadConfig({ ...aws, WEBAUTHN_RP_ID: undefined, WEBAUTHN_ORIGINS: undefined }).webauthn).toBeUndefined();
  });

  it("reads the owner-notice webhook: URL and secret together", () => {
    expect(loadConfig({}).notices).toBeUndefined();
    const secret = "n".repeat(32);
    expect(loadConfig({ NOTICE_WEBHOOK_URL: "https://mailer.example.com/notices", NOTICE_WEBHOOK_SECRET: secret }).notices).toMatchObject({ url: "https://mailer.example.com/notices", secret });
    expect(() => loadConfig({ NOTICE_WEBHOOK_URL: "https://mailer.example.com/notices" })).toThrow("NOTICE_WEBHOOK_URL and NOTICE_WEBHOOK_SECRET must be set together");
    expect(() => loadConfig({ NOTICE_WEBHOOK_URL: "https://mailer.example.com/notices", NOTICE_WEBHOOK_SECRET: "short" })).toThrow("NOTICE_WEBHOOK_SECRET");
  });

  it("reads emergency access settings: grant length at most 120 minutes, the webhook URL and secret together", () => {
    expect(loadConfig({}).emergency).toMatchObject({ accessMinutes: 30, reviewHours: 24, alertWebhook: undefined });
    const secret = "s".repeat(32);
    expect(loadConfig({ EMERGENCY_ACCESS_MINUTES: "120", ALERT_WEBHOOK_URL: "https://alerts.example.com/hook", ALERT_WEBHOOK_SECRET: secret }).emergency).toMatchObject({ accessMinutes: 120, alertWebhook: { url: "https://alerts.example.com/hook", secret } });
    expect(() => loadConfig({ EMERGENCY_ACCESS_MINUTES: "121" })).toThrow("EMERGENCY_ACCESS_MINUTES");
    expect(() => loadConfig({ ALERT_WEBHOOK_URL: "https://alerts.example.com/hook" })).toThrow("ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET must be set together");
    expect(() => loadConfig({ ALERT_WEBHOOK_URL: "https://alerts.example.com/hook", ALERT_WEBHOOK_SECRET: "short" })).toThrow("ALERT_WEBHOOK_SECRET");
  });

  it("reads CUSTOM_AUTH_PRIVATE_KEY (inline, with escaped newlines, or from a file); AWS mode without passkeys starts without it (recovery codes are then off)", () => {
    expect(loadConfig(aws).customAuthPrivateKey).toBe(customAuthKey);
    expect(loadConfig({ CUSTOM_AUTH_PRIVATE_KEY: customAuthKey.replace(/\n/g, "\\n") }).customAuthPrivateKey).toBe(customAuthKey);
    const dir = mkdtempSync(join(tmpdir(), "authgw-key-"));
    writeFileSync(join(dir, "custom-auth.pem"), customAuthKey);
    expect(loadConfig({ CUSTOM_AUTH_PRIVATE_KEY_FILE: join(dir, "custom-auth.pem") }).customAuthPrivateKey).toBe(customAuthKey);
    rmSync(dir, { recursive: true });
    expect(loadConfig({ ...aws, WEBAUTHN_RP_ID: undefined, WEBAUTHN_ORIGINS: undefined, CUSTOM_AUTH_PRIVATE_KEY: undefined }).customAuthPrivateKey).toBeUndefined();
    // Dev mode generates a key pair per process at start-up (start.ts), not here.
    expect(loadConfig({}).customAuthPrivateKey).toBeUndefined();
    // The deprecated HMAC key is ignored in dev mode (start.ts warns), whatever its value.
    expect(loadConfig({ CUSTOM_AUTH_SECRET: "s3cr3t" })).toMatchObject({ mode: "dev", customAuthPrivateKey: undefined });
  });

  it("accepts a cognito-local pool as the AWS endpoint only on this machine, with its issuer", () => {
    const config = loadConfig({ ...aws, AWS_REGION: "local", COGNITO_USER_POOL_ID: "local_AbC123", COGNITO_ENDPOINT: "http://127.0.0.1:9229", COGNITO_ISSUER: "http://127.0.0.1:9229/local_AbC123" });
    expect(config).toMatchObject({ mode: "aws", cognito: { issuer: "http://127.0.0.1:9229/local_AbC123", jwksUri: "http://127.0.0.1:9229/local_AbC123/.well-known/jwks.json" } });
    expect(() => loadConfig({ ...aws, AWS_REGION: "local", COGNITO_USER_POOL_ID: "local_AbC123", COGNITO_ENDPOINT: "http://cognito.example.com", COGNITO_ISSUER: "https://cognito.example.com/local_AbC123" })).toThrow("a local pool");
  });

  it("reads gateway mode's subgraphs and signing keys", () => {
    const config = loadConfig({ SUBGRAPHS: "patients=http://127.0.0.1:4001/graphql,billing=https://billing/graphql", FEDERATION_SIGNING_KEYS: "k1=/keys/a.pem" });
    expect(config.subgraphs).toEqual([{ name: "patients", url: "http://127.0.0.1:4001/graphql" }, { name: "billing", url: "https://billing/graphql" }]);
    expect(config.federation).toEqual({ issuer: "auth-gateway", signingKeyFiles: [{ kid: "k1", path: "/keys/a.pem" }] });
  });

  it("never echoes a bad value (it may be a secret)", () => {
    try {
      loadConfig({ ...aws, COGNITO_ENDPOINT: "s3cr3t-not-a-url" });
      throw new Error("expected a ConfigError");
    } catch (error) {
      expect((error as Error).message).toContain("COGNITO_ENDPOINT");
      expect((error as Error).message).not.toContain("s3cr3t");
      expect((error as Error).message.split("\n")).toHaveLength(1);
    }
  });

  it("seals the PostgreSQL trail with AUDIT_CHAIN_KEY; dev mode without one keeps a generated key in its data directory", () => {
    const key = "k".repeat(32);
    const aws_ = loadConfig({ ...aws, AUDIT_DATABASE_URL: "postgres://db/audit", AUDIT_CHAIN_KEY: key });
    expect(aws_.auditDatabase?.chainKey).toBe(key);
    expect(aws_.auditDatabase?.devChainKeyFile).toBeUndefined();
    expect(loadConfig({ AUDIT_DATABASE_URL: "postgres://db/audit", LOCAL_COGNITO_DIR: "/tmp/dev" }).auditDatabase).toMatchObject({ chainKey: undefined, devChainKeyFile: "/tmp/dev/audit-chain.key" });
    const dev = loadConfig({ AUDIT_DATABASE_URL: "postgres://db/audit", AUDIT_CHAIN_KEY: key }).auditDatabase;
    expect(dev?.chainKey).toBe(key);
    expect(dev?.devChainKeyFile).toBeUndefined();
  });

  it("takes a PostgreSQL socket URL (no host, ?host=/path, as pg does) and refuses a malformed port", () => {
    const socket = "postgres://gateway@/records?host=/cloudsql/project:region:instance";
    expect(loadConfig({ DATABASE_URL: socket }).database?.url).toBe(socket);
    expect(() => loadConfig({ DATABASE_URL: "postgres://gateway@127.0.0.1:5432x/records" })).toThrow(/DATABASE_URL/);
  });

  it("takes a previous webhook secret only beside a different current one", () => {
    const notices = { NOTICE_WEBHOOK_URL: "http://127.0.0.1:9/n", NOTICE_WEBHOOK_SECRET: "n".repeat(32) };
    expect(loadConfig({ ...notices, NOTICE_WEBHOOK_PREVIOUS_SECRET: "p".repeat(32) }).notices?.previousSecret).toBe("p".repeat(32));
    expect(() => loadConfig({ ...notices, NOTICE_WEBHOOK_PREVIOUS_SECRET: "n".repeat(32) })).toThrow(/NOTICE_WEBHOOK_PREVIOUS_SECRET is the same/);
    expect(() => loadConfig({ ALERT_WEBHOOK_PREVIOUS_SECRET: "p".repeat(32) })).toThrow(/ALERT_WEBHOOK_PREVIOUS_SECRET needs ALERT_WEBHOOK_SECRET/);
  });
});

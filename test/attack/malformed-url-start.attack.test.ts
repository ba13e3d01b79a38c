import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { gatewayMain } from "../support/gateway-process";
import { freePort } from "../support/ports";
import { productionKeys } from "../support/production-env";

/**
 * The operator's bad night, start-up: a connection URL with a typo in its port (`:54320x`, a template left
 * unfilled `:${PORT}`) passes the production check, and the start dies later with "Gateway failed to start:
 * Invalid URL", naming no setting (three URLs are candidates). docs/production.md promises that production
 * refuses an invalid value of any variable with one message naming every problem, before it does anything.
 * With a malformed AUDIT_DATABASE_URL the start even connected to Redis, checked (and would have wiped) the
 * store generation and migrated DATABASE_URL before dying.
 */
const base = async (): Promise<Record<string, string>> => ({
  PATH: process.env["PATH"] ?? "",
  GATEWAY_MODE: "production",
  PORT: String(await freePort()),
  HOST: "127.0.0.1",
  COGNITO_USER_POOL_ID: "local_AbC123",
  COGNITO_CLIENT_ID: "abc123client",
  AWS_REGION: "local",
  COGNITO_ENDPOINT: "http://127.0.0.1:9",
  COGNITO_ISSUER: "http://127.0.0.1:9/local_AbC123",
  AWS_ACCESS_KEY_ID: "local",
  AWS_SECRET_ACCESS_KEY: "local",
  TRUST_PROXY_HOPS: "0",
  DISABLED_FEATURES: "emergency-access",
  REDIS_URL: "redis://127.0.0.1:6379",
  REDIS_KEY_PREFIX: `op-start-${randomUUID()}:`,
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/postgres",
  ...productionKeys,
});

const start = async (overrides: Record<string, string>) => {
  const result = spawnSync(process.execPath, [gatewayMain], { env: { ...(await base()), ...overrides }, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};

describe.each([
  ["REDIS_URL", "redis://:Redis-Secret-Pw@127.0.0.1:63790x"],
  ["DATABASE_URL", "postgres://gateway:Pg-Secret-Pw@127.0.0.1:${PGPORT}/gateway"],
  ["AUDIT_DATABASE_URL", "postgres://audit:Audit-Secret-Pw@127.0.0.1:5432x/audit"],
])("%s with a malformed port", (name, value) => {
  it("is refused before anything starts, by a message that names the setting (and never prints its password)", async () => {
    const { status, output } = await start({ [name]: value });
    expect(status).toBe(1);
    expect(output).toMatch(/refuses to start/);
    expect(output).toContain(`${name} is not valid`);
    expect(output).not.toMatch(/Secret-Pw/);
    // Nothing ran before the refusal: no store-generation check, no migration, no listener.
    expect(output).not.toMatch(/state store|migrat|listening/i);
  }, 90_000);
});

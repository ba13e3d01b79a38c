import { loadConfig } from "../../src/config";
import { productionKeys } from "../support/production-env";

/**
 * Issue 22 promises that the OLD address hears of an email change at once, with the only undo token. In
 * production that notice can leave only through NOTICE_WEBHOOK_URL; without it the notifier drops every
 * notice (EMAIL_CHANGED included) and the start-up line speaks only of recovery codes. Production mode
 * claims to refuse a start that lacks a setting a guarantee depends on.
 */
const complete = {
  GATEWAY_MODE: "production",
  COGNITO_USER_POOL_ID: "eu-west-1_AbC123",
  COGNITO_CLIENT_ID: "abc123client",
  AWS_REGION: "eu-west-1",
  REDIS_URL: "rediss://cache.internal:6379",
  DATABASE_URL: "postgres://gateway@db.internal:5432/gateway",
  AUDIT_CHAIN_KEY: productionKeys.AUDIT_CHAIN_KEY,
  TOTP_SEAL_KEY: productionKeys.TOTP_SEAL_KEY,
  TRUST_PROXY_HOPS: "1",
  ALERT_WEBHOOK_URL: "https://alerts.example.com/hook",
  ALERT_WEBHOOK_SECRET: "s".repeat(32),
};

describe("ATTACK: a production start that cannot tell the old address of an email change", () => {
  it("is refused without NOTICE_WEBHOOK_URL and NOTICE_WEBHOOK_SECRET", () => {
    let refusal = "";
    try {
      loadConfig(complete);
    } catch (error) {
      refusal = (error as Error).message;
    }
    expect(refusal).toMatch(/NOTICE_WEBHOOK_URL is required/);
    expect(refusal).toMatch(/NOTICE_WEBHOOK_SECRET is required/);
  });
});

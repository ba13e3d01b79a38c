import { loadConfig } from "../../src/config";
import { productionKeys } from "../support/production-env";

/**
 * Production claims to refuse a start without every required setting. "Set" is checked as "not the empty
 * string", so a value made only of blanks (a `KEY= ` line in an env file, a secret templated from an unset
 * variable plus padding) counts as given: the keys that seal the audit trail and the TOTP copies, and the
 * webhook secrets, are then 32 spaces, a key anyone can guess; TRUST_PROXY_HOPS=" " is read as 0.
 */
const complete: Record<string, string> = {
  GATEWAY_MODE: "production",
  COGNITO_USER_POOL_ID: "eu-west-1_AbC123",
  COGNITO_CLIENT_ID: "abc123client",
  AWS_REGION: "eu-west-1",
  REDIS_URL: "rediss://cache.internal:6379",
  DATABASE_URL: "postgres://gateway@db.internal:5432/gateway",
  TRUST_PROXY_HOPS: "1",
  ALERT_WEBHOOK_URL: "https://alerts.example.com/hook",
  ALERT_WEBHOOK_SECRET: "s".repeat(32),
  ...productionKeys,
};

const refusalOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  return "";
};

describe("ATTACK: production settings that are only blanks", () => {
  it("the complete environment starts (the rig is right)", () => {
    expect(refusalOf(complete)).toBe("");
  });

  it.each(["AUDIT_CHAIN_KEY", "TOTP_SEAL_KEY", "NOTICE_WEBHOOK_SECRET", "ALERT_WEBHOOK_SECRET"])("refuses %s made of 32 spaces", (key) => {
    expect(refusalOf({ ...complete, [key]: " ".repeat(32) })).toMatch(new RegExp(key));
  });

  it("refuses TRUST_PROXY_HOPS given as a blank (it is not an explicit 0)", () => {
    expect(refusalOf({ ...complete, TRUST_PROXY_HOPS: " " })).toMatch(/TRUST_PROXY_HOPS/);
  });
});

describe("ATTACK: production secrets padded with blanks to the minimum length", () => {
  it.each(["AUDIT_CHAIN_KEY", "TOTP_SEAL_KEY", "NOTICE_WEBHOOK_SECRET", "ALERT_WEBHOOK_SECRET"])("refuses %s of one character and 31 spaces", (key) => {
    expect(refusalOf({ ...complete, [key]: `x${" ".repeat(31)}` })).toMatch(new RegExp(key));
  });
});

import { createHash } from "node:crypto";
import { authenticator } from "otplib";
import { testCognito } from "../setup/test-cognito";

const stepMs = 30_000;

/** Per secret: how far the run's cognito-local TOTP clock has been moved for it (ms); absent = the wall clock. */
const shifts = new Map<string, number>();

/** "Now" on the TOTP clock cognito-local uses for this secret. */
export const totpNow = (secret: string): number => Date.now() + (shifts.get(secret) ?? 0);

/** The code of the step `offset` steps from this secret's TOTP "now". */
export const totpAt = (secret: string, offset = 0): string => authenticator.clone({ epoch: totpNow(secret) + offset * stepMs }).generate(secret);

/**
 * Moves the run's cognito-local TOTP clock for one secret by `byMs` (its test-only control, patches/; the
 * secret travels only as its SHA-256). Only this secret's checks move: tests in the other worker are untouched.
 */
export const shiftTotpClock = async (secret: string, byMs: number): Promise<void> => {
  const shiftMs = (shifts.get(secret) ?? 0) + byMs;
  const response = await fetch(`${testCognito().endpoint}/_test/totp-clock`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ secretSha256: createHash("sha256").update(secret, "utf8").digest("hex"), shiftMs }),
  });
  if (response.status !== 204) throw new Error(`cognito-local refused the TOTP clock shift (HTTP ${response.status}); is TOTP_CLOCK_CONTROL on?`);
  shifts.set(secret, shiftMs);
};

import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import type { AccountRecord } from "../../src/auth/account-records";
import type { Identity } from "../../src/auth/identity";

/** Signals the parent that the server listens (the parent waits for this line). */
export const ready = (port: number): void => {
  process.stdout.write(`ready ${port}\n`);
};

export const port = (): number => Number(process.env["PORT"] ?? "0");

/** The identity the unauthenticated baselines hand to the same `me` resolver. */
export const identityFromClaims = (claims: { sub?: unknown; ["cognito:groups"]?: unknown }): Identity => {
  const account: AccountRecord = { sub: String(claims.sub), email: "bench@example.test", emailVerified: true, givenName: undefined, familyName: undefined, mfaEnabled: true, groups: [] };
  const groups = Array.isArray(claims["cognito:groups"]) ? (claims["cognito:groups"] as string[]) : [];
  const sub = String(claims.sub);
  return {
    sub,
    sessionId: "bench",
    clientId: undefined,
    groups,
    scopes: [],
    expiresAt: 0,
    account,
    access: { sub, sessionLive: true, idle: false, disabled: false, locked: false, passwordExpired: false, groups },
  };
};

/**
 * BENCH_PROFILE_OUT: a V8 CPU profile of the measured window only (SIGUSR2 starts it, SIGINT writes it), so
 * start-up, module loading and warm-up stay out of it. Without it, SIGINT is a clean exit (for --cpu-prof).
 */
export const exitCleanlyWithProfile = (): void => {
  const out = process.env["BENCH_PROFILE_OUT"];
  const session = out === undefined ? undefined : new Session();
  session?.connect();
  process.once("SIGUSR2", () => void session?.post("Profiler.enable").then(() => session.post("Profiler.start")));
  process.once("SIGINT", () => {
    if (session === undefined || out === undefined) process.exit(0);
    void session
      .post("Profiler.stop")
      .then(({ profile }) => writeFileSync(out, JSON.stringify(profile)))
      .finally(() => process.exit(0));
  });
};

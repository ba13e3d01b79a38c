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

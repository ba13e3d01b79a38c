import type { AccountRecord } from "./account-records";

/** Who is calling, built from a verified access token and the gateway's own records. */
export type Identity = {
  sub: string;
  /** The gateway's login session (stable across refreshes). */
  sessionId: string;
  clientId: string | undefined;
  /** From the verified `cognito:groups` claim. */
  groups: string[];
  scopes: string[];
  /** Access-token expiry, epoch seconds. */
  expiresAt: number;
  account: AccountRecord;
  /** isActive refuses the caller when any of these is true (all read from the store on every request). */
  disabled: boolean;
  locked: boolean;
  passwordExpired: boolean;
};

import type { AccessState } from "../policy/access-policy";
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
  /** What the access policy decides on, read from the store on every request. */
  access: AccessState;
};

/** The signed-in caller, with the bearer token some provider calls need (never stored or logged). */
export type Caller = { identity: Identity; accessToken: string };

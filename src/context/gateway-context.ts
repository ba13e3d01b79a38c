import type { RequestMeta } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import type { Identity } from "../auth/identity";
import type { Services } from "../auth/services";
import type { GatewayError } from "../errors/error-codes";

/** What every resolver and rule receives. */
export type GatewayContext = {
  meta: RequestMeta;
  /** Undefined for anonymous callers. */
  identity: Identity | undefined;
  /** The verified bearer token, for the few provider calls that act as the user. Never stored or logged. */
  accessToken: string | undefined;
  /**
   * A genuine token whose account state could not be read (PostgreSQL not answering): no identity, so every
   * field that needs one answers this error (503); only a logout acts, ending the token's session.
   */
  stateUnknown?: { error: GatewayError; sub: string; sessionId: string | undefined };
  services: Services;
  audit: Pick<AuditLog, "record">;
};

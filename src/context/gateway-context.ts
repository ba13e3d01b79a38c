import type { RequestMeta } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import type { Identity } from "../auth/identity";
import type { Services } from "../auth/services";

/** What every resolver and rule receives. */
export type GatewayContext = {
  meta: RequestMeta;
  /** Undefined for anonymous callers. */
  identity: Identity | undefined;
  /** The verified bearer token, for the few provider calls that act as the user. Never stored or logged. */
  accessToken: string | undefined;
  services: Services;
  audit: Pick<AuditLog, "record">;
};

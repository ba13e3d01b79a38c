import type { RequestMeta } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import type { AuthService } from "../auth/auth-service";
import type { Identity } from "../auth/identity";

/** What every resolver and rule receives. */
export type GatewayContext = {
  meta: RequestMeta;
  /** Undefined for anonymous callers. */
  identity: Identity | undefined;
  auth: AuthService;
  audit: Pick<AuditLog, "record">;
};


import { ErrorCode, GatewayError } from "../../errors/error-codes";
import type { RequestMeta } from "../audit-event";
import type { AuditLog } from "../audit-log";
import { audited } from "../audited";
import type { AuditFilter, AuditPage, AuditReader } from "./audit-reader";

/** The events a user's "recent activity" shows: password and MFA steps, first passwords, lockouts. */
export const signInEvents = ["LOGIN", "MFA_CHALLENGE", "MFA_SETUP_COMPLETE", "NEW_PASSWORD", "PASSWORD_EXPIRED_CHANGE", "LOCKOUT"] as const;

export type PageRequest = { first: number; after?: string };

/**
 * Reading the audit trail, itself audited (AUDIT_READ, with the reader as actor or subject): the record
 * is written before any entry is returned, and if it cannot be written nothing is returned.
 */
export class AuditReview {
  constructor(private readonly deps: { reader: AuditReader | undefined; audit: Pick<AuditLog, "record"> }) {}

  private get reader(): AuditReader {
    if (!this.deps.reader) throw new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "AUDIT_REVIEW_UNAVAILABLE" });
    return this.deps.reader;
  }

  /** Administrators: any records. */
  events(admin: { sub: string }, filter: AuditFilter, page: PageRequest, meta: RequestMeta): Promise<AuditPage> {
    const event = { event: "AUDIT_READ", outcome: "SUCCESS", target: "auditEvents", actor: admin.sub, ...(filter.subject !== undefined && { subject: filter.subject }) } as const;
    return audited(this.deps.audit, meta, event, async () => ({ result: await this.reader.find(filter, page) }));
  }

  /** The caller's own sign-in activity (intent records left out: the outcome follows each). */
  loginHistory(user: { sub: string }, page: PageRequest, meta: RequestMeta): Promise<AuditPage> {
    const filter: AuditFilter = { subject: user.sub, events: signInEvents, excludeOutcomes: ["INTENT"] };
    return audited(this.deps.audit, meta, { event: "AUDIT_READ", outcome: "SUCCESS", target: "loginHistory", subject: user.sub }, async () => ({
      result: await this.reader.find(filter, page),
    }));
  }
}

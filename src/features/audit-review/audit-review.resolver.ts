import { Args, Ctx, Query, Resolver } from "type-graphql";
import type { AuditEntry as StoredEntry, AuditPage } from "../../audit/review/audit-reader";
import type { GatewayContext } from "../../context/gateway-context";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import { identityOf } from "../../schema/caller";
import { pageInfoOf } from "../../schema/page-info";
import { AuditEntry, AuditEntryConnection, AuditEventsArgs } from "./audit-review.types";

/** Named fields only: whatever else a stored record holds (now or later) is not passed through. */
const toEntry = (e: StoredEntry): AuditEntry => ({
  id: e.id,
  time: e.time,
  eventTime: new Date(e.time),
  event: e.event,
  outcome: e.outcome,
  reason: e.reason ?? null,
  subject: e.subject ?? null,
  actor: e.actor ?? null,
  target: e.target ?? null,
  clientId: e.clientId ?? null,
  requestId: e.requestId,
  ip: e.ip,
  userAgent: e.userAgent,
});

const pageInfo = (after: string | undefined, page: AuditPage) => pageInfoOf(after, page.endCursor, page.hasNextPage);

/** The deprecated ISO string or its DateTime successor: one bound, never two that could disagree. */
const bound = (field: "fromTime" | "toTime", instant: Date | undefined, iso: string | undefined): Date | undefined => {
  if (instant !== undefined && iso !== undefined) throw new GatewayError(ErrorCode.BAD_USER_INPUT, { fields: [{ field, rules: ["oneOf"] }] }, `Give ${field} or its deprecated string form, not both.`);
  return instant ?? (iso === undefined ? undefined : new Date(iso));
};

/** Administrators' review of the audit trail; every read is itself audited (AUDIT_READ). */
@Resolver()
export class AuditResolver {
  @Query(() => AuditEntryConnection, { description: "Administrators: the audit trail, newest first." })
  async auditEvents(@Args(() => AuditEventsArgs) { filter, first, after }: AuditEventsArgs, @Ctx() ctx: GatewayContext): Promise<AuditEntryConnection> {
    const { subject, actor, event, outcome, from, to, fromTime, toTime } = filter ?? {};
    const page = await ctx.services.auditReview.events(
      identityOf(ctx),
      { subject, actor, events: event === undefined ? undefined : [event], outcome, from: bound("fromTime", fromTime, from), to: bound("toTime", toTime, to) },
      { first, after },
      ctx.meta,
    );
    return { nodes: page.entries.map(toEntry), pageInfo: pageInfo(after, page) };
  }
}

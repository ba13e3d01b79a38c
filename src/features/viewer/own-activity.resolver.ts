import { Args, Ctx, Query, Resolver } from "type-graphql";
import type { AuditEntry as StoredEntry } from "../../audit/review/audit-reader";
import type { GatewayContext } from "../../context/gateway-context";
import { callerOf, identityOf } from "../../schema/caller";
import { pageInfoOf } from "../../schema/page-info";
import { PageArgs } from "../../schema/shared-args";
import { LoginActivity, LoginActivityConnection, SessionInfo } from "./viewer.types";

const toActivity = (e: StoredEntry): LoginActivity => ({ time: e.time, eventTime: new Date(e.time), event: e.event, outcome: e.outcome, reason: e.reason ?? null, ip: e.ip, userAgent: e.userAgent });

/** The signed-in user's own sessions and sign-in activity. */
@Resolver()
export class OwnActivityResolver {
  @Query(() => [SessionInfo], { description: "The signed-in user's live sessions." })
  async sessions(@Ctx() ctx: GatewayContext): Promise<SessionInfo[]> {
    const list = await ctx.services.account.sessions(callerOf(ctx), ctx.meta);
    return list.map((s) => ({ ...s, createdAt: new Date(s.createdAt * 1000).toISOString(), createTime: new Date(s.createdAt * 1000) }));
  }

  @Query(() => LoginActivityConnection, { description: "The signed-in user's recent sign-in activity (successes and failures), newest first." })
  async loginHistory(@Args(() => PageArgs) { first, after }: PageArgs, @Ctx() ctx: GatewayContext): Promise<LoginActivityConnection> {
    const page = await ctx.services.auditReview.loginHistory(identityOf(ctx), { first, after }, ctx.meta);
    return { nodes: page.entries.map(toActivity), pageInfo: pageInfoOf(after, page.endCursor, page.hasNextPage) };
  }
}

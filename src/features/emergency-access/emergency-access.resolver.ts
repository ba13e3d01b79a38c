import { Arg, Args, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { GrantView } from "../../auth/emergency/emergency-reviews";
import type { GatewayContext } from "../../context/gateway-context";
import { callerOf, identityOf } from "../../schema/caller";
import { pageInfoOf } from "../../schema/page-info";
import { EmergencyAccess, EmergencyAccessConnection, EmergencyAccessesArgs, EmergencyAccessFilter, EmergencyAccessIdArgs, EmergencyAccessInput, EmergencyAccessStatus, EmergencyEndCause, EmergencyScope, EmergencyVerdict, ReviewEmergencyAccessArgs } from "./emergency-access.types";
import { freshFactorOf } from "../../auth/factors/fresh-factor";
import { FreshFactorArgs } from "../../schema/fresh-factor.args";

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const instant = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));

/** The review's note and reviewer are for reviewers: a grant's holder sees the verdict, not what was written about them. */
const toEmergencyAccess = (grant: GrantView, audience: "holder" | "reviewer"): EmergencyAccess => ({
  id: grant.id,
  userId: grant.sub,
  scope: grant.scope as EmergencyScope,
  patientRef: grant.patientRef ?? null,
  reason: grant.reason,
  grantedAt: new Date(grant.grantedAt).toISOString(),
  expiresAt: new Date(grant.expiresAt).toISOString(),
  status: grant.status as EmergencyAccessStatus,
  endedAt: iso(grant.ended?.at),
  endReason: grant.ended?.reason ?? null,
  endCause: grant.ended ? EmergencyEndCause[grant.ended.reason] : null,
  verdict: (grant.review?.verdict as EmergencyVerdict | undefined) ?? null,
  reviewNote: audience === "reviewer" ? (grant.review?.note ?? null) : null,
  reviewedBy: audience === "reviewer" ? (grant.review?.reviewer ?? null) : null,
  reviewedAt: iso(grant.review?.at),
  escalatedAt: iso(grant.escalatedAt),
  grantTime: new Date(grant.grantedAt),
  expireTime: new Date(grant.expiresAt),
  endTime: instant(grant.ended?.at),
  reviewTime: instant(grant.review?.at),
  escalateTime: instant(grant.escalatedAt),
});

/** Emergency ("break-glass") access: providers request and end grants, administrators list and review them. */
@Resolver()
export class EmergencyResolver {
  @Mutation(() => EmergencyAccess, { description: "Group `provider`: opens a time-boxed emergency grant for this session after a fresh second factor (a TOTP `code`, or a `passkey` answering beginPasskeyStepUp). Alerted at once, audited at every use, reviewed later." })
  async requestEmergencyAccess(@Arg("input", () => EmergencyAccessInput) input: EmergencyAccessInput, @Args(() => FreshFactorArgs) { code, passkey }: FreshFactorArgs, @Ctx() ctx: GatewayContext): Promise<EmergencyAccess> {
    const grant = await ctx.services.emergency.grants.request(callerOf(ctx), { reason: input.reason, patientRef: input.patientRef ?? undefined, scope: input.scope, minutes: input.minutes }, freshFactorOf(code, passkey), ctx.meta);
    return toEmergencyAccess(ctx.services.emergency.grants.view(grant), "holder");
  }

  @Mutation(() => EmergencyAccess, { description: "Ends a grant early: its holder, or an administrator." })
  async endEmergencyAccess(@Args(() => EmergencyAccessIdArgs) { id }: EmergencyAccessIdArgs, @Ctx() ctx: GatewayContext): Promise<EmergencyAccess> {
    const identity = identityOf(ctx);
    const ended = ctx.services.emergency.grants.view(await ctx.services.emergency.grants.end(identity, id, ctx.meta));
    return toEmergencyAccess(ended, ended.sub !== identity.sub && identity.groups.includes("admin") ? "reviewer" : "holder");
  }

  @Mutation(() => EmergencyAccess, { description: "Group `admin`: records a verdict on someone else's grant (once)." })
  async reviewEmergencyAccess(@Args(() => ReviewEmergencyAccessArgs) { id, verdict, note }: ReviewEmergencyAccessArgs, @Ctx() ctx: GatewayContext): Promise<EmergencyAccess> {
    return toEmergencyAccess(await ctx.services.emergency.reviews.review(identityOf(ctx), id, verdict, note, ctx.meta), "reviewer");
  }

  @Query(() => EmergencyAccessConnection, { description: "Group `admin`: emergency grants, newest first." })
  async emergencyAccesses(@Arg("filter", () => EmergencyAccessFilter, { nullable: true }) filter: EmergencyAccessFilter | undefined, @Args(() => EmergencyAccessesArgs) { first, after }: EmergencyAccessesArgs, @Ctx() ctx: GatewayContext): Promise<EmergencyAccessConnection> {
    const page = await ctx.services.emergency.reviews.list(identityOf(ctx), { status: filter?.status, unreviewed: filter?.unreviewed, subjectId: filter?.userId }, first, after, ctx.meta);
    return { nodes: page.grants.map((grant) => toEmergencyAccess(grant, "reviewer")), pageInfo: pageInfoOf(after, page.endCursor, page.endCursor !== undefined) };
  }
}

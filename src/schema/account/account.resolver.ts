import { Arg, Args, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../../context/gateway-context";
import { MfaSetup } from "../auth/auth.types";
import { callerOf } from "../caller";
import { toUser } from "../viewer/me.resolver";
import { User } from "../viewer/user.type";
import { CodeArgs, NewEmailArgs, ResetMfaArgs, SessionInfo, UpdateProfileInput } from "./account.types";

@Resolver()
export class AccountResolver {
  @Mutation(() => User)
  async updateProfile(@Arg("input", () => UpdateProfileInput) input: UpdateProfileInput, @Ctx() ctx: GatewayContext): Promise<User> {
    const caller = callerOf(ctx);
    await ctx.services.account.updateProfile(caller, input, ctx.meta);
    return toUser({ ...caller.identity, account: { ...caller.identity.account, ...input } });
  }

  @Mutation(() => Boolean, { description: "Sends a code to the new address; the email changes only when it is confirmed." })
  async requestEmailChange(@Args(() => NewEmailArgs) { newEmail }: NewEmailArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.account.requestEmailChange(callerOf(ctx), newEmail, ctx.meta);
    return true;
  }

  @Mutation(() => Boolean)
  async confirmEmailChange(@Args(() => CodeArgs) { code }: CodeArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.account.confirmEmailChange(callerOf(ctx), code, ctx.meta);
    return true;
  }

  @Mutation(() => MfaSetup, { description: "Replaces the authenticator (MFA cannot be turned off); finish with completeMfaSetup." })
  async resetMfa(@Args(() => ResetMfaArgs) { currentPassword, code }: ResetMfaArgs, @Ctx() ctx: GatewayContext): Promise<MfaSetup> {
    return ctx.services.mfa.resetMfa(callerOf(ctx).identity, currentPassword, code, ctx.meta);
  }

  @Query(() => [SessionInfo], { description: "The signed-in user's live sessions." })
  async sessions(@Ctx() ctx: GatewayContext): Promise<SessionInfo[]> {
    const list = await ctx.services.account.sessions(callerOf(ctx), ctx.meta);
    return list.map((s) => ({ ...s, createdAt: new Date(s.createdAt * 1000).toISOString() }));
  }

  @Mutation(() => Boolean, { description: "Ends every session of the signed-in user, this one included." })
  async logoutEverywhere(@Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.account.logoutEverywhere(callerOf(ctx), ctx.meta);
    return true;
  }
}

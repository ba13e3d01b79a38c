import { Arg, Args, Ctx, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "../../context/gateway-context";
import { MfaSetup } from "../../schema/auth/auth.types";
import { callerOf } from "../../schema/caller";
import { freshFactorOf } from "../../auth/factors/fresh-factor";
import { toUser, User } from "../../schema/user.type";
import { CodeArgs, NewEmailArgs, ResetMfaArgs, UndoEmailChangeArgs, UpdateProfileInput } from "./account.types";

@Resolver()
export class AccountResolver {
  @Mutation(() => User)
  async updateProfile(@Arg("input", () => UpdateProfileInput) input: UpdateProfileInput, @Ctx() ctx: GatewayContext): Promise<User> {
    const caller = callerOf(ctx);
    await ctx.services.account.updateProfile(caller, input, ctx.meta);
    // eslint-disable-next-line @typescript-eslint/no-misused-spread -- a type-graphql input object: its fields are all it carries.
    return toUser({ ...caller.identity, account: { ...caller.identity.account, ...input } });
  }

  @Mutation(() => Boolean, {
    description:
      "Sends a code to the new address (confirm with confirmEmailChange). Needs a fresh second factor in this request (`code` or `passkey`; otherwise FORBIDDEN, reason STEP_UP_REQUIRED). The old address is told at once, with a token that undoes the change for 7 days (undoEmailChange); for 30 days security notices go to both addresses.",
  })
  async requestEmailChange(@Args(() => NewEmailArgs) { newEmail, code, passkey }: NewEmailArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.emailChange.request(callerOf(ctx), newEmail, freshFactorOf(code, passkey), ctx.meta);
    return true;
  }

  @Mutation(() => Boolean, { description: "Confirms the new address with the code sent there." })
  async confirmEmailChange(@Args(() => CodeArgs) { code }: CodeArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.emailChange.confirm(callerOf(ctx), code, ctx.meta);
    return true;
  }

  @Mutation(() => Boolean, {
    description:
      "No sign-in needed: the token from the notice sent to the OLD address restores that address (verified) and ends every session of the account. Single use, 7 days; otherwise CODE_EXPIRED, reason UNDO_INVALID.",
  })
  async undoEmailChange(@Args(() => UndoEmailChangeArgs) { token }: UndoEmailChangeArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.emailChange.undo(token, ctx.meta);
    return true;
  }

  @Mutation(() => MfaSetup, { description: "Replaces the authenticator (MFA cannot be turned off); finish with completeMfaSetup." })
  async resetMfa(@Args(() => ResetMfaArgs) { currentPassword, code }: ResetMfaArgs, @Ctx() ctx: GatewayContext): Promise<MfaSetup> {
    return ctx.services.mfa.resetMfa(callerOf(ctx).identity, currentPassword, code, ctx.meta);
  }

  @Mutation(() => Boolean, { description: "Ends every session of the signed-in user, this one included." })
  async logoutEverywhere(@Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.account.logoutEverywhere(callerOf(ctx), ctx.meta);
    return true;
  }
}

import { Args, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../../context/gateway-context";
import { minimumPasswordLength, passwordRules } from "../../policy/password-policy";
import { toPayload } from "../../schema/auth/auth-payload";
import { AuthPayload } from "../../schema/auth/auth.types";
import { callerOf } from "../../schema/caller";
import { EmailArgs } from "../../schema/shared-args";
import { freshFactorOf } from "../../auth/factors/fresh-factor";
import { ChangePasswordArgs, CompleteExpiredPasswordArgs, CompleteNewPasswordArgs, ConfirmForgotPasswordArgs, PasswordPolicy } from "./password.types";

@Resolver()
export class PasswordResolver {
  @Query(() => PasswordPolicy)
  passwordPolicy(): PasswordPolicy {
    return { minLength: minimumPasswordLength, rules: passwordRules.map(({ id, description }) => ({ id, description })) };
  }

  @Mutation(() => Boolean, { description: "Sends a reset code if the account exists; always true." })
  async forgotPassword(@Args(() => EmailArgs) { email }: EmailArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.account.forgotPassword(email, ctx.meta);
    return true;
  }

  @Mutation(() => Boolean, { description: "Sets a new password with the emailed code; ends every session of the account." })
  async confirmForgotPassword(@Args(() => ConfirmForgotPasswordArgs) args: ConfirmForgotPasswordArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.account.confirmForgotPassword(args.email, args.code, args.newPassword, ctx.meta);
    return true;
  }

  @Mutation(() => Boolean, { description: "Changes the password; ends the caller's other sessions. Needs the current password and a fresh second factor in this request (`code` or `passkey`; otherwise FORBIDDEN, reason STEP_UP_REQUIRED)." })
  async changePassword(@Args(() => ChangePasswordArgs) args: ChangePasswordArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.account.changePassword(callerOf(ctx), args.currentPassword, args.newPassword, freshFactorOf(args.code, args.passkey), ctx.meta);
    return true;
  }

  @Mutation(() => AuthPayload, { description: "Answers PASSWORD_EXPIRED (older than PASSWORD_MAX_AGE_DAYS), after both factors: proves the current password again (`currentPassword`, always: a passkey sign-in never chooses the next password alone), sets the new one, releases the tokens." })
  async completeExpiredPassword(@Args(() => CompleteExpiredPasswordArgs) args: CompleteExpiredPasswordArgs, @Ctx() ctx: GatewayContext): Promise<AuthPayload> {
    return toPayload(await ctx.services.auth.completeExpiredPassword(args.session, args.currentPassword, args.newPassword, ctx.meta));
  }

  @Mutation(() => AuthPayload, { description: "Answers NEW_PASSWORD_REQUIRED (first login of an invited user); MFA setup follows." })
  async completeNewPassword(@Args(() => CompleteNewPasswordArgs) args: CompleteNewPasswordArgs, @Ctx() ctx: GatewayContext): Promise<AuthPayload> {
    return toPayload(await ctx.services.auth.completeNewPassword(args.session, args.newPassword, ctx.meta));
  }
}

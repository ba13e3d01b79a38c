import { Matches } from "class-validator";
import { Args, ArgsType, Ctx, Field, Int, Mutation, Query, Resolver } from "type-graphql";
import { recoveryCodeShape } from "../../auth/factors/recovery/recovery-codes";
import type { GatewayContext } from "../../context/gateway-context";
import { toPayload } from "../../schema/auth/auth-payload";
import { AuthPayload } from "../../schema/auth/auth.types";
import { callerOf, identityOf } from "../../schema/caller";
import { freshFactorOf } from "../../auth/factors/fresh-factor";
import { FreshFactorArgs } from "../../schema/fresh-factor.args";
import { SessionArgs } from "../../schema/shared-args";

@ArgsType()
export class RecoveryCodeArgs extends SessionArgs {
  @Field({ description: "One of the ten recovery codes (xxxxx-xxxxx)." }) @Matches(recoveryCodeShape, { message: "code is not a recovery code" }) code!: string;
}

/** Recovery codes: generated on demand (a fresh factor in the request), used once at login instead of the second factor. */
@Resolver()
export class RecoveryResolver {
  @Mutation(() => [String], { description: "Ten new single-use recovery codes, shown only now; the previous set stops working. Needs a fresh second factor in this request (`code` or `passkey`; otherwise FORBIDDEN, reason STEP_UP_REQUIRED)." })
  async generateRecoveryCodes(@Args(() => FreshFactorArgs) { code, passkey }: FreshFactorArgs, @Ctx() ctx: GatewayContext): Promise<string[]> {
    return ctx.services.passkeys.recovery.generate(callerOf(ctx), freshFactorOf(code, passkey), ctx.meta);
  }

  @Query(() => Int, { description: "How many unused recovery codes the signed-in user has." })
  async recoveryCodesLeft(@Ctx() ctx: GatewayContext): Promise<number> {
    return ctx.services.passkeys.recovery.left(identityOf(ctx));
  }

  @Mutation(() => AuthPayload, { description: "Answers a SOFTWARE_TOKEN_MFA challenge with a recovery code instead: never tokens, always MFA_SETUP (enrol a new authenticator). Ends every other session; the user is emailed." })
  async respondWithRecoveryCode(@Args(() => RecoveryCodeArgs) { session, code }: RecoveryCodeArgs, @Ctx() ctx: GatewayContext): Promise<AuthPayload> {
    return toPayload(await ctx.services.passkeys.recovery.respond(session, code, ctx.meta));
  }
}

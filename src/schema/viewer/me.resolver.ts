import { Ctx, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../../context/gateway-context";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import { User } from "./user.type";

@Resolver()
export class MeResolver {
  /** Answered from the verified token and the gateway's account record: no identity-provider call. */
  @Query(() => User)
  me(@Ctx() ctx: GatewayContext): User {
    const identity = ctx.identity;
    if (!identity) throw new GatewayError(ErrorCode.UNAUTHENTICATED);
    const { account } = identity;
    return {
      sub: identity.sub,
      email: account.email,
      emailVerified: account.emailVerified,
      givenName: account.givenName ?? null,
      familyName: account.familyName ?? null,
      groups: identity.groups,
      mfaEnabled: account.mfaEnabled,
    };
  }
}

import { Ctx, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../../context/gateway-context";
import { identityOf } from "../../schema/caller";
import { toUser, User } from "../../schema/user.type";

@Resolver()
export class MeResolver {
  /** Answered from the verified token and the gateway's account record: no identity-provider call. */
  @Query(() => User)
  me(@Ctx() ctx: GatewayContext): User {
    return toUser(identityOf(ctx));
  }
}

import { Ctx, Query, Resolver } from "type-graphql";
import type { Identity } from "../../auth/identity";
import type { GatewayContext } from "../../context/gateway-context";
import { Group } from "../admin/admin.types";
import { identityOf } from "../caller";
import { User } from "./user.type";

const gatewayGroups: readonly string[] = Object.values(Group);
const isGatewayGroup = (group: string): group is Group => gatewayGroups.includes(group);

export const toUser = ({ sub, groups, account }: Pick<Identity, "sub" | "groups" | "account">): User => ({
  sub,
  email: account.email,
  emailVerified: account.emailVerified,
  givenName: account.givenName ?? null,
  familyName: account.familyName ?? null,
  groups,
  memberOf: groups.filter(isGatewayGroup),
  mfaEnabled: account.mfaEnabled,
  mfaStatus: { enabled: account.mfaEnabled, method: account.mfaEnabled ? "TOTP" : null },
});

@Resolver()
export class MeResolver {
  /** Answered from the verified token and the gateway's account record: no identity-provider call. */
  @Query(() => User)
  me(@Ctx() ctx: GatewayContext): User {
    return toUser(identityOf(ctx));
  }
}

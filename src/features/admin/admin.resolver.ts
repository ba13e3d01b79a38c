import { Arg, Args, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { DirectoryUser } from "../../auth/identity-provider";
import type { GatewayContext } from "../../context/gateway-context";
import { freshFactorOf } from "../../auth/factors/fresh-factor";
import { identityOf } from "../../schema/caller";
import { pageInfoOf } from "../../schema/page-info";
import { UserIdArgs } from "../../schema/shared-args";
import { AdminCreateUserInput, AdminUser, GrantGroupArgs, GrantUserArgs, UserConnection, UserGroupArgs, UsersArgs } from "./admin.types";

const toAdminUser = (user: DirectoryUser): AdminUser => ({
  id: user.sub,
  email: user.email,
  emailVerified: user.emailVerified,
  givenName: user.givenName ?? null,
  familyName: user.familyName ?? null,
  enabled: user.enabled,
  status: user.status,
  createdAt: user.createdAt?.toISOString() ?? null,
  createTime: user.createdAt ?? null,
});

/** Group `admin` only (see permissions). Each action is audited with the administrator as actor. */
@Resolver()
export class AdminResolver {
  @Mutation(() => AdminUser, { description: "Invites a user by email; their first login asks for a new password (NEW_PASSWORD_REQUIRED)." })
  async adminCreateUser(@Arg("input", () => AdminCreateUserInput) input: AdminCreateUserInput, @Ctx() ctx: GatewayContext): Promise<AdminUser> {
    return toAdminUser(await ctx.services.admin.createUser(identityOf(ctx), input, ctx.meta));
  }

  @Mutation(() => Boolean, { description: "Disables the account; its live tokens stop working at once." })
  async adminDisableUser(@Args(() => UserIdArgs) { userId }: UserIdArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.admin.setEnabled(identityOf(ctx), userId, false, ctx.meta);
    return true;
  }

  @Mutation(() => Boolean, { description: "Gives access back, so it takes the administrator's fresh `code` or `passkey` (step-up)." })
  async adminEnableUser(@Args(() => GrantUserArgs) { userId, code, passkey }: GrantUserArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.admin.setEnabled(identityOf(ctx), userId, true, ctx.meta, freshFactorOf(code, passkey));
    return true;
  }

  @Mutation(() => Boolean, { description: "Takes effect at the user's next login or refresh. Grants access, so it takes the administrator's fresh `code` or `passkey` (step-up)." })
  async adminAddUserToGroup(@Args(() => GrantGroupArgs) { userId, group, code, passkey }: GrantGroupArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.admin.setGroup(identityOf(ctx), userId, group, true, ctx.meta, freshFactorOf(code, passkey));
    return true;
  }

  @Mutation(() => Boolean, { description: "Ends the user's sessions, so the removal takes effect at once." })
  async adminRemoveUserFromGroup(@Args(() => UserGroupArgs) { userId, group }: UserGroupArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.admin.setGroup(identityOf(ctx), userId, group, false, ctx.meta);
    return true;
  }

  @Mutation(() => Boolean, { description: "Ends every session of the user." })
  async adminGlobalSignOut(@Args(() => UserIdArgs) { userId }: UserIdArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.admin.globalSignOut(identityOf(ctx), userId, ctx.meta);
    return true;
  }

  @Mutation(() => Boolean, {
    description: "Clears the user's authenticator and ends their sessions; they enrol again at the next login. Whoever knows the password may then enrol, so it takes the administrator's fresh `code` or `passkey` (step-up).",
  })
  async adminResetMfa(@Args(() => GrantUserArgs) { userId, code, passkey }: GrantUserArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.admin.resetMfa(identityOf(ctx), userId, ctx.meta, freshFactorOf(code, passkey));
    return true;
  }

  @Mutation(() => Boolean, { description: "Lifts a lockout (the only way out when LOCKOUT_DURATION_SECONDS is 0). Gives password attempts back, so it takes the administrator's fresh `code` or `passkey` (step-up)." })
  async adminUnlockUser(@Args(() => GrantUserArgs) { userId, code, passkey }: GrantUserArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.admin.unlockUser(identityOf(ctx), userId, ctx.meta, freshFactorOf(code, passkey));
    return true;
  }

  @Query(() => UserConnection)
  async users(@Args(() => UsersArgs) { filter, first, after }: UsersArgs, @Ctx() ctx: GatewayContext): Promise<UserConnection> {
    const page = await ctx.services.admin.users(identityOf(ctx), { emailPrefix: filter?.emailPrefix, first, after }, ctx.meta);
    return { nodes: page.users.map(toAdminUser), pageInfo: pageInfoOf(after, page.endCursor, page.endCursor !== undefined) };
  }
}

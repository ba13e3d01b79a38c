import { Args, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { PasskeyRecord } from "../../auth/factors/webauthn/passkey-store";
import type { GatewayContext } from "../../context/gateway-context";
import { toPayload } from "../../schema/auth/auth-payload";
import { AuthPayload } from "../../schema/auth/auth.types";
import { callerOf, identityOf } from "../../schema/caller";
import { freshFactorOf } from "../../auth/factors/fresh-factor";
import { FreshFactorArgs } from "../../schema/fresh-factor.args";
import { SessionArgs, UserIdArgs } from "../../schema/shared-args";
import {
  AdminRemovePasskeyArgs,
  BeginPasskeyLoginArgs,
  CompletePasskeyRegistrationArgs,
  Passkey,
  PasskeyAnswerArgs,
  PasskeyChallenge,
  RemovePasskeyArgs,
  RenamePasskeyArgs,
} from "./passkeys.types";

const toPasskey = (p: PasskeyRecord): Passkey => ({
  id: p.id,
  nickname: p.nickname,
  createdAt: p.createdAt,
  lastUsedAt: p.lastUsedAt ?? null,
  createTime: new Date(p.createdAt),
  lastUseTime: p.lastUsedAt === undefined ? null : new Date(p.lastUsedAt),
  deviceType: p.deviceType,
  backedUp: p.backedUp,
  aaguid: p.aaguid,
  userVerified: p.userVerified,
});

/** Passkeys (WebAuthn): enrolment and management for the signed-in user, sign-in for anyone, revocation for admins. */
@Resolver()
export class PasskeysResolver {
  @Query(() => [Passkey], { description: "The signed-in user's passkeys." })
  async passkeys(@Ctx() ctx: GatewayContext): Promise<Passkey[]> {
    return (await ctx.services.passkeys.enrolment.list(identityOf(ctx))).map(toPasskey);
  }

  @Mutation(() => String, { description: "PublicKeyCredentialCreationOptionsJSON for navigator.credentials.create. Needs a fresh second factor in this request: `code` (authenticator app) or `passkey` (answer to beginPasskeyStepUp); without one FORBIDDEN, reason STEP_UP_REQUIRED." })
  async beginPasskeyRegistration(@Args(() => FreshFactorArgs) { code, passkey }: FreshFactorArgs, @Ctx() ctx: GatewayContext): Promise<string> {
    return ctx.services.passkeys.enrolment.begin(callerOf(ctx), freshFactorOf(code, passkey), ctx.meta);
  }

  @Mutation(() => Passkey, { description: "Verifies and stores the new passkey: answers the single-use challenge of beginPasskeyRegistration, which only a fresh second factor opened (this session, this ceremony)." })
  async completePasskeyRegistration(@Args(() => CompletePasskeyRegistrationArgs) { response, nickname }: CompletePasskeyRegistrationArgs, @Ctx() ctx: GatewayContext): Promise<Passkey> {
    return toPasskey(await ctx.services.passkeys.enrolment.complete(identityOf(ctx), response, nickname, ctx.meta));
  }

  @Mutation(() => Passkey, { description: "Renames a passkey; the owner is told (PASSKEY_RENAMED). Needs a fresh second factor in this request (`code` or `passkey`; otherwise FORBIDDEN, reason STEP_UP_REQUIRED): a name is how the owner tells which passkey to remove." })
  async renamePasskey(@Args(() => RenamePasskeyArgs) { id, nickname, code, passkey }: RenamePasskeyArgs, @Ctx() ctx: GatewayContext): Promise<Passkey> {
    return toPasskey(await ctx.services.passkeys.enrolment.rename(callerOf(ctx), id, nickname, freshFactorOf(code, passkey), ctx.meta));
  }

  @Mutation(() => Boolean, { description: "Removes a passkey (never the last second factor) and ends the user's other sessions. Needs a fresh second factor in this request (`code` or `passkey`; otherwise FORBIDDEN, reason STEP_UP_REQUIRED)." })
  async removePasskey(@Args(() => RemovePasskeyArgs) { id, code, passkey }: RemovePasskeyArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.passkeys.enrolment.remove(callerOf(ctx), id, freshFactorOf(code, passkey), ctx.meta);
    return true;
  }

  @Mutation(() => String, { description: "PublicKeyCredentialRequestOptionsJSON listing your passkeys, for an action that needs a second factor right now (the `passkey` argument of requestEmergencyAccess, requestEmailChange, changePassword, beginPasskeyRegistration, renamePasskey, removePasskey, generateRecoveryCodes). Single use, bound to this session; FORBIDDEN (reason NO_PASSKEY) without a passkey." })
  async beginPasskeyStepUp(@Ctx() ctx: GatewayContext): Promise<string> {
    return ctx.services.passkeys.stepUp.begin(identityOf(ctx), ctx.meta);
  }

  @Mutation(() => PasskeyChallenge, { description: "Starts a passkey sign-in (discoverable; the same answer for every email)." })
  async beginPasskeyLogin(@Args(() => BeginPasskeyLoginArgs) { email }: BeginPasskeyLoginArgs, @Ctx() ctx: GatewayContext): Promise<PasskeyChallenge> {
    return ctx.services.passkeys.login.begin(email, ctx.meta);
  }

  @Mutation(() => AuthPayload, { description: "Signs in with a passkey that verified the user (PIN, biometrics): both factors in one." })
  async completePasskeyLogin(@Args(() => PasskeyAnswerArgs) { session, response }: PasskeyAnswerArgs, @Ctx() ctx: GatewayContext): Promise<AuthPayload> {
    return toPayload(await ctx.services.passkeys.login.complete(session, response, ctx.meta));
  }

  @Mutation(() => PasskeyChallenge, { description: "Answers a SOFTWARE_TOKEN_MFA challenge whose alternatives list WEBAUTHN with a passkey instead: the session is exchanged for a WEBAUTHN one." })
  async beginPasskeyMfa(@Args(() => SessionArgs) { session }: SessionArgs, @Ctx() ctx: GatewayContext): Promise<PasskeyChallenge> {
    return ctx.services.passkeys.login.beginSecondFactor(session, ctx.meta);
  }

  @Mutation(() => AuthPayload, { description: "The passkey's answer to beginPasskeyMfa: the second factor after the password." })
  async respondWithPasskey(@Args(() => PasskeyAnswerArgs) { session, response }: PasskeyAnswerArgs, @Ctx() ctx: GatewayContext): Promise<AuthPayload> {
    return toPayload(await ctx.services.passkeys.login.respondSecondFactor(session, response, ctx.meta));
  }

  @Query(() => [Passkey], { description: "Administrators: a user's passkeys." })
  async adminPasskeys(@Args(() => UserIdArgs) { userId }: UserIdArgs, @Ctx() ctx: GatewayContext): Promise<Passkey[]> {
    return (await ctx.services.passkeys.enrolment.adminList(identityOf(ctx).sub, userId, ctx.meta)).map(toPasskey);
  }

  @Mutation(() => Boolean, { description: "Administrators: revokes a user's passkey (a lost or stolen device); every session of the user ends." })
  async adminRemovePasskey(@Args(() => AdminRemovePasskeyArgs) { userId, id }: AdminRemovePasskeyArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.passkeys.enrolment.adminRemove(identityOf(ctx).sub, userId, id, ctx.meta);
    return true;
  }
}

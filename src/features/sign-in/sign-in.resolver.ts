import { Arg, Args, Ctx, Mutation, Resolver } from "type-graphql";
import { isTokenHandle } from "../../auth/held-tokens";
import type { GatewayContext } from "../../context/gateway-context";
import { toPayload } from "../../schema/auth/auth-payload";
import { AuthPayload, MfaSetup } from "../../schema/auth/auth.types";
import { EmailArgs, SessionArgs } from "../../schema/shared-args";
import { ConfirmSignUpArgs, LoginArgs, LogoutArgs, RefreshArgs, RegisterInput, SessionCodeArgs } from "./sign-in.inputs";
import { RegisterPayload } from "./sign-in.types";

/**
 * The provider's refresh token a client's value stands for: a handle is opened (undefined when unknown); any
 * other value is taken as a provider token handed out before handles existed (the session registry decides).
 */
const providerRefreshToken = async (ctx: GatewayContext, value: string): Promise<string | undefined> =>
  isTokenHandle(value) ? ctx.services.heldTokens.refreshToken(value) : value;

/** Thin: validation is declarative on the argument classes, the flows live in AuthService. */
@Resolver()
export class AuthResolver {
  @Mutation(() => RegisterPayload, { description: "Creates an account; the answer never reveals whether the email was taken." })
  async register(@Arg("input", () => RegisterInput) input: RegisterInput, @Ctx() ctx: GatewayContext): Promise<RegisterPayload> {
    await ctx.services.auth.register(input, ctx.meta);
    return { accepted: true, nextStep: "CONFIRM_SIGN_UP" };
  }

  @Mutation(() => Boolean)
  async confirmSignUp(@Args(() => ConfirmSignUpArgs) { email, code }: ConfirmSignUpArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.auth.confirmSignUp(email, code, ctx.meta);
    return true;
  }

  @Mutation(() => Boolean, { description: "Always true, whether or not the account exists." })
  async resendConfirmationCode(@Args(() => EmailArgs) { email }: EmailArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.auth.resendConfirmationCode(email, ctx.meta);
    return true;
  }

  @Mutation(() => AuthPayload, { description: "Never returns tokens directly: the answer is an MFA challenge." })
  async login(@Args(() => LoginArgs) { email, password }: LoginArgs, @Ctx() ctx: GatewayContext): Promise<AuthPayload> {
    return toPayload(await ctx.services.auth.login(email, password, ctx.meta));
  }

  @Mutation(() => MfaSetup, { description: "Answers an MFA_SETUP challenge with a new TOTP secret." })
  async beginMfaSetup(@Args(() => SessionArgs) { session }: SessionArgs, @Ctx() ctx: GatewayContext): Promise<MfaSetup> {
    return ctx.services.mfa.beginMfaSetup(session, ctx.meta);
  }

  @Mutation(() => AuthPayload)
  async completeMfaSetup(@Args(() => SessionCodeArgs) { session, code }: SessionCodeArgs, @Ctx() ctx: GatewayContext): Promise<AuthPayload> {
    return toPayload(await ctx.services.mfa.completeMfaSetup(session, code, ctx.meta));
  }

  @Mutation(() => AuthPayload, { description: "Answers a SOFTWARE_TOKEN_MFA challenge." })
  async respondToMfa(@Args(() => SessionCodeArgs) { session, code }: SessionCodeArgs, @Ctx() ctx: GatewayContext): Promise<AuthPayload> {
    return toPayload(await ctx.services.auth.respondToMfa(session, code, ctx.meta));
  }

  @Mutation(() => AuthPayload)
  async refreshTokens(@Args(() => RefreshArgs) { refreshToken }: RefreshArgs, @Ctx() ctx: GatewayContext): Promise<AuthPayload> {
    // An unknown handle goes through the same audited refusal as an unknown refresh token (TOKEN_REVOKED).
    const provider = (await providerRefreshToken(ctx, refreshToken)) ?? refreshToken;
    return toPayload(await ctx.services.auth.refreshTokens(provider, ctx.meta));
  }

  @Mutation(() => Boolean, {
    description: "Ends this session at once; with a refresh token, also revokes it at the provider. The refresh token alone is enough when the access token has expired.",
  })
  async logout(@Args(() => LogoutArgs) { refreshToken }: LogoutArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    const provider = refreshToken === undefined ? undefined : await providerRefreshToken(ctx, refreshToken);
    // An unknown refresh handle counts as none: the access token's session still ends (without one: TOKEN_REVOKED).
    // PostgreSQL down: the token is genuine and its session is in Redis, so it still ends (stateUnknown).
    const caller = ctx.identity ?? (ctx.stateUnknown?.sessionId === undefined ? undefined : { sub: ctx.stateUnknown.sub, sessionId: ctx.stateUnknown.sessionId });
    await ctx.services.auth.logout(caller, provider, ctx.meta);
    if (refreshToken) await ctx.services.heldTokens.forgetRefresh(refreshToken);
    return true;
  }
}

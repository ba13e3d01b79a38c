import { Arg, Args, Ctx, Mutation, Resolver } from "type-graphql";
import type { AuthOutcome } from "../../auth/auth-outcome";
import type { GatewayContext } from "../../context/gateway-context";
import { ConfirmSignUpArgs, EmailArgs, LoginArgs, LogoutArgs, RefreshArgs, RegisterInput, SessionArgs, SessionCodeArgs } from "./auth.inputs";
import { AuthPayload, ChallengeName, MfaSetup, RegisterPayload } from "./auth.types";

export const toPayload = (outcome: AuthOutcome): AuthPayload =>
  outcome.tokens
    ? { tokens: { ...outcome.tokens, refreshToken: outcome.tokens.refreshToken ?? null }, challenge: null }
    : { tokens: null, challenge: { name: ChallengeName[outcome.challenge.name], session: outcome.challenge.session, alternatives: (outcome.challenge.alternatives ?? []).map((name) => ChallengeName[name]) } };

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
    return toPayload(await ctx.services.auth.refreshTokens(refreshToken, ctx.meta));
  }

  @Mutation(() => Boolean, {
    description: "Ends this session at once; with a refresh token, also revokes it at the provider. The refresh token alone is enough when the access token has expired.",
  })
  async logout(@Args(() => LogoutArgs) { refreshToken }: LogoutArgs, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.auth.logout(ctx.identity, refreshToken, ctx.meta);
    return true;
  }
}

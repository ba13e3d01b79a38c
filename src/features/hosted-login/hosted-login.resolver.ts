import { Args, ArgsType, Ctx, Field, Mutation, Resolver } from "type-graphql";
import { IsOptional, Length, Matches } from "class-validator";
import type { GatewayContext } from "../../context/gateway-context";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import { toPayload } from "../../schema/auth/auth-payload";
import { AuthPayload } from "../../schema/auth/auth.types";

@ArgsType()
export class ExchangeAuthorizationCodeArgs {
  @Field({ description: "The code from the pool's redirect." })
  @Matches(/^[\x21-\x7e]{1,2048}$/, { message: "code is not valid" })
  code!: string;

  @Field({ description: "The PKCE code_verifier whose S256 challenge was sent to /oauth2/authorize (RFC 7636: 43-128 characters)." })
  @Matches(/^[A-Za-z0-9._~-]{43,128}$/, { message: "codeVerifier is not a PKCE verifier" })
  codeVerifier!: string;

  @Field({ description: "The redirect_uri of the authorization request; must be one of OAUTH_REDIRECT_URIS." })
  @Length(1, 2048)
  redirectUri!: string;

  @Field(() => String, { nullable: true, description: "The nonce sent to /oauth2/authorize, if any; the id token must carry it." })
  @IsOptional()
  @Length(1, 256)
  nonce?: string | null;
}

/** Hosted login for native and single-page apps that run the PKCE code flow themselves. */
@Resolver()
export class OAuthResolver {
  @Mutation(() => AuthPayload, { description: "Redeems a hosted-login authorization code (PKCE) and opens a gateway session, as login + MFA would." })
  async exchangeAuthorizationCode(@Args(() => ExchangeAuthorizationCodeArgs) args: ExchangeAuthorizationCodeArgs, @Ctx() ctx: GatewayContext): Promise<AuthPayload> {
    const oauth = ctx.services.oauth;
    if (!oauth) throw new GatewayError(ErrorCode.BAD_REQUEST, { reason: "HOSTED_LOGIN_NOT_CONFIGURED" });
    const { code, codeVerifier, redirectUri, nonce } = args;
    return toPayload(await oauth.exchange({ code, codeVerifier, redirectUri, nonce: nonce ?? undefined }, ctx.meta));
  }
}

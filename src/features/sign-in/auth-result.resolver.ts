import { createUnionType, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../../context/gateway-context";
import type { HeldPayload } from "../../schema/auth/auth-payload";
import { AuthChallenge, AuthPayload, AuthTokens } from "../../schema/auth/auth.types";

/**
 * Every sign-in mutation answers AuthPayload; making it a union would break every client's selections, so the
 * union lives beside the two nullable fields instead (`result`), resolved from them.
 */
export const AuthResult = createUnionType({
  name: "AuthResult",
  description: "Tokens (signed in) or the next step to answer: switch on `__typename`.",
  types: () => [AuthTokens, AuthChallenge] as const,
  resolveType: (value) => ("accessToken" in value ? AuthTokens : AuthChallenge),
});

/** The one-of rule as code: a payload with both or neither is a gateway bug, answered as an internal error. */
export const resultOf = (payload: Pick<AuthPayload, "tokens" | "challenge">): AuthTokens | AuthChallenge => {
  if (payload.tokens && !payload.challenge) return payload.tokens;
  if (payload.challenge && !payload.tokens) return payload.challenge;
  throw new Error("AuthPayload must carry exactly one of tokens and challenge");
};

/**
 * Where tokens leave for the client, whichever mutation released them (login, refresh, passkey, recovery, new
 * password, hosted-login code): the client receives handles, the provider's tokens stay held. Released once per
 * payload, so `tokens` and `result` selected together carry the same handles.
 */
const released = (payload: HeldPayload, ctx: GatewayContext): Promise<AuthTokens | null> =>
  payload.provider ? (payload.released ??= ctx.services.heldTokens.hold(payload.provider)) : Promise.resolve(payload.tokens);

@Resolver(() => AuthPayload)
export class AuthPayloadFields {
  @FieldResolver(() => AuthTokens, { nullable: true })
  tokens(@Root() payload: HeldPayload, @Ctx() ctx: GatewayContext): Promise<AuthTokens | null> {
    return released(payload, ctx);
  }

  @FieldResolver(() => AuthResult, { description: "The same answer as `tokens`/`challenge` (exactly one of which is set), as a union." })
  async result(@Root() payload: HeldPayload, @Ctx() ctx: GatewayContext): Promise<AuthTokens | AuthChallenge> {
    return resultOf({ tokens: await released(payload, ctx), challenge: payload.challenge });
  }
}

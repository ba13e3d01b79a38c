import { createUnionType, FieldResolver, Resolver, Root } from "type-graphql";
import { AuthChallenge, AuthPayload, AuthTokens } from "./auth.types";

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

@Resolver(() => AuthPayload)
export class AuthResultResolver {
  @FieldResolver(() => AuthResult, { description: "The same answer as `tokens`/`challenge` (exactly one of which is set), as a union." })
  result(@Root() payload: AuthPayload): AuthTokens | AuthChallenge {
    return resultOf(payload);
  }
}

import type { AuthOutcome } from "../../auth/auth-outcome";
import type { ProviderTokens } from "../../auth/identity-provider";
import { type AuthPayload, type AuthTokens, ChallengeName } from "./auth.types";

/** The provider's tokens travel inside the payload until they leave for the client (features/sign-in/auth-result.resolver.ts). */
export type HeldPayload = AuthPayload & { provider?: ProviderTokens; released?: Promise<AuthTokens> };

const heldPayload = (provider: ProviderTokens): HeldPayload => ({ tokens: null, provider, challenge: null });

export const toPayload = (outcome: AuthOutcome): AuthPayload =>
  outcome.tokens
    ? heldPayload(outcome.tokens)
    : { tokens: null, challenge: { name: ChallengeName[outcome.challenge.name], session: outcome.challenge.session, alternatives: (outcome.challenge.alternatives ?? []).map((name) => ChallengeName[name]) } };

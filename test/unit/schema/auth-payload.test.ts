import fc from "fast-check";
import type { AuthOutcome, PublicChallengeName } from "../../../src/auth/auth-outcome";
import type { ClientTokens } from "../../../src/auth/held-tokens";
import type { ProviderTokens } from "../../../src/auth/identity-provider";
import type { GatewayContext } from "../../../src/context/gateway-context";
import { AuthPayloadFields, resultOf } from "../../../src/features/sign-in/auth-result.resolver";
import { toPayload, type HeldPayload } from "../../../src/schema/auth/auth-payload";
import { AuthChallenge, AuthTokens } from "../../../src/schema/auth/auth.types";

const names: PublicChallengeName[] = ["MFA_SETUP", "SOFTWARE_TOKEN_MFA", "NEW_PASSWORD_REQUIRED", "PASSWORD_EXPIRED", "WEBAUTHN"];
const text = fc.string({ minLength: 1, maxLength: 12 });
const outcome: fc.Arbitrary<AuthOutcome> = fc.oneof(
  fc.record({ tokens: fc.record({ accessToken: text, idToken: text, refreshToken: fc.option(text, { nil: undefined }), expiresIn: fc.nat(), tokenType: fc.constant("Bearer") }) }),
  fc.record({ challenge: fc.record({ name: fc.constantFrom(...names), session: text, alternatives: fc.option(fc.array(fc.constantFrom(...names), { maxLength: 2 }), { nil: undefined }) }) }),
);

/** A context whose held-token store hands out numbered handles, one pair per release. */
const releasing = (): GatewayContext => {
  let released = 0;
  const hold = (tokens: ProviderTokens): Promise<ClientTokens> =>
    Promise.resolve({ ...tokens, refreshToken: tokens.refreshToken ?? null, accessToken: `handle-${String(++released)}` });
  return { services: { heldTokens: { hold } } } as unknown as GatewayContext;
};

/** AuthPayload's "exactly one of tokens and challenge", held for every outcome the services can give. */
describe("AuthPayload's one-of guarantee", () => {
  it("every outcome becomes a payload with exactly one part set, and `result` is that part", async () => {
    await fc.assert(
      fc.asyncProperty(outcome, async (o) => {
        const payload: HeldPayload = toPayload(o);
        expect([payload.provider ?? payload.tokens, payload.challenge].filter((part) => part != null)).toHaveLength(1);
        const fields = new AuthPayloadFields();
        const ctx = releasing();
        const [tokens, result] = await Promise.all([fields.tokens(payload, ctx), fields.result(payload, ctx)]);
        expect(result).toBe(tokens ?? payload.challenge);
      }),
    );
  });

  it("releases a payload's tokens once: `tokens` and `result` selected together carry the same handles", async () => {
    const ctx = releasing();
    const payload: HeldPayload = toPayload({ tokens: { accessToken: "a.b.c", idToken: "i", refreshToken: "r", expiresIn: 60, tokenType: "Bearer" } });
    const fields = new AuthPayloadFields();
    const [tokens, result, again] = await Promise.all([fields.tokens(payload, ctx), fields.result(payload, ctx), fields.tokens(payload, ctx)]);
    expect(tokens).toMatchObject({ accessToken: "handle-1" });
    expect(result).toBe(tokens);
    expect(again).toBe(tokens);
  });

  it("refuses a payload with both parts or neither (a gateway bug, masked as an internal error)", () => {
    const tokens: AuthTokens = { accessToken: "a", idToken: "i", refreshToken: null, expiresIn: 1, tokenType: "Bearer" };
    const challenge: AuthChallenge = Object.assign(new AuthChallenge(), { name: "MFA_SETUP", session: "s", alternatives: [] });
    expect(() => resultOf({ tokens, challenge })).toThrow(/exactly one/);
    expect(() => resultOf({ tokens: null, challenge: null })).toThrow(/exactly one/);
  });
});

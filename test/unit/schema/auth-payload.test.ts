import fc from "fast-check";
import type { AuthOutcome, PublicChallengeName } from "../../../src/auth/auth-outcome";
import { resultOf } from "../../../src/schema/auth/auth-result.resolver";
import { toPayload } from "../../../src/schema/auth/auth.resolver";
import { AuthChallenge, AuthTokens } from "../../../src/schema/auth/auth.types";

const names: PublicChallengeName[] = ["MFA_SETUP", "SOFTWARE_TOKEN_MFA", "NEW_PASSWORD_REQUIRED", "PASSWORD_EXPIRED", "WEBAUTHN"];
const text = fc.string({ minLength: 1, maxLength: 12 });
const outcome: fc.Arbitrary<AuthOutcome> = fc.oneof(
  fc.record({ tokens: fc.record({ accessToken: text, idToken: text, refreshToken: fc.option(text, { nil: undefined }), expiresIn: fc.nat(), tokenType: fc.constant("Bearer") }) }),
  fc.record({ challenge: fc.record({ name: fc.constantFrom(...names), session: text, alternatives: fc.option(fc.array(fc.constantFrom(...names), { maxLength: 2 }), { nil: undefined }) }) }),
);

/** AuthPayload's "exactly one of tokens and challenge", held for every outcome the services can give. */
describe("AuthPayload's one-of guarantee", () => {
  it("every outcome becomes a payload with exactly one part set, and `result` is that part", () => {
    fc.assert(
      fc.property(outcome, (o) => {
        const payload = toPayload(o);
        expect([payload.tokens, payload.challenge].filter((part) => part !== null)).toHaveLength(1);
        expect(resultOf(payload)).toBe(payload.tokens ?? payload.challenge);
      }),
    );
  });

  it("refuses a payload with both parts or neither (a gateway bug, masked as an internal error)", () => {
    const tokens: AuthTokens = { accessToken: "a", idToken: "i", refreshToken: null, expiresIn: 1, tokenType: "Bearer" };
    const challenge: AuthChallenge = Object.assign(new AuthChallenge(), { name: "MFA_SETUP", session: "s", alternatives: [] });
    expect(() => resultOf({ tokens, challenge })).toThrow(/exactly one/);
    expect(() => resultOf({ tokens: null, challenge: null })).toThrow(/exactly one/);
  });
});

import { assertNotLastFactor } from "../../../../src/auth/factors/webauthn/passkey-enrolment";
import type { PasskeyRecord } from "../../../../src/auth/factors/webauthn/passkey-store";
import { bothFactorsProven } from "../../../../src/auth/login/login-stages";
import { GatewayError } from "../../../../src/errors/error-codes";

const passkey = (id: string) => ({ id }) as PasskeyRecord;

describe("passkey rules", () => {
  it("never removes the last second factor", () => {
    expect(() => assertNotLastFactor(false, [passkey("a")])).toThrow(GatewayError);
    try {
      assertNotLastFactor(false, [passkey("a")]);
    } catch (error) {
      expect(error).toMatchObject({ code: "FORBIDDEN", extensions: { reason: "LAST_FACTOR" } });
    }
    expect(() => assertNotLastFactor(false, [passkey("a"), passkey("b")])).not.toThrow();
    expect(() => assertNotLastFactor(true, [passkey("a")])).not.toThrow();
  });

  it("counts a passkey as both factors only with user verification, and a recovery code as none", () => {
    expect(bothFactorsProven(["webauthn-uv"])).toBe(true);
    expect(bothFactorsProven(["webauthn"])).toBe(false);
    expect(bothFactorsProven(["password", "webauthn"])).toBe(true);
    expect(bothFactorsProven(["password", "recovery-code"])).toBe(false);
    expect(bothFactorsProven(["password", "totp"])).toBe(true);
    expect(bothFactorsProven(["totp"])).toBe(false);
  });
});

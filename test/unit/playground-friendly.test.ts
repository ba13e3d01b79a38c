import { AuthGatewayError } from "@hipaa-auth-gateway/client";
import { errorsFor, ruleMet } from "../../playground/friendly";
import { passwordRules } from "../../src/policy/password-policy";

/** What the playground shows for the passkey and recovery-code errors (the browser test sees only some of them). */
describe("the playground's words for passkey and recovery-code errors", () => {
  const forbidden = (reason: string) => new AuthGatewayError("FORBIDDEN", "m", { reason });
  const browserError = (name: string) => Object.assign(new Error("m"), { name });

  it("asks for the authenticator on STEP_UP_REQUIRED, and explains LAST_FACTOR and PASSKEYS_DISABLED", () => {
    expect(errorsFor(forbidden("STEP_UP_REQUIRED"), null).form).toMatch(/^Confirm with your authenticator/);
    expect(errorsFor(forbidden("LAST_FACTOR"), null).form).toMatch(/last second factor/);
    expect(errorsFor(forbidden("PASSKEYS_DISABLED"), null).form).toMatch(/not enabled on this gateway/);
    expect(errorsFor(forbidden("ACCOUNT_DISABLED"), null).form).toBe("m"); // other reasons keep the gateway's message
  });

  it("tells a refused passkey from a wrong password, and a closed browser prompt from a gateway error", () => {
    const refused = new AuthGatewayError("INVALID_CREDENTIALS", "m");
    expect(errorsFor(refused, null)).toEqual({ password: "The email or password is incorrect." });
    expect(errorsFor(refused, null, "password", "passkey").form).toMatch(/passkey was not accepted/);
    expect(errorsFor(browserError("NotAllowedError"), null, "password", "passkey").form).toMatch(/prompt was closed or timed out/);
    expect(errorsFor(browserError("InvalidStateError"), null).form).toMatch(/already holds a passkey/);
  });

  it("puts recovery-code errors under the recovery-code field", () => {
    expect(errorsFor(new AuthGatewayError("BAD_USER_INPUT", "m", { fields: [{ field: "code", rules: ["matches"] }] }), null, "password", "recoveryCode")).toEqual({
      recoveryCode: expect.stringMatching(/look like abcde-fghij/),
    });
    expect(errorsFor(new AuthGatewayError("CODE_MISMATCH", "m"), null, "password", "recoveryCode")).toEqual({ recoveryCode: expect.stringMatching(/already used/) });
    expect(errorsFor(new AuthGatewayError("BAD_USER_INPUT", "m", { fields: [{ field: "nickname", rules: ["length"] }] }), null)).toEqual({ nickname: expect.stringMatching(/1 to 64/) });
  });
});

/** The live ticks must agree with the gateway's verdict, rule by rule, or a green list misleads. */
describe("the playground's live password ticks", () => {
  const samples = ["short", "P@ssw0rd1234", "Correct-Horse-Battery-9", "adalovelace-Rocks-42!", "Tr0ub4dor&3xyz", "qwertyuiop12A!"];
  it("tick every published rule, the common-password one included, exactly as the gateway's policy judges it", () => {
    for (const password of samples)
      for (const rule of passwordRules) expect([password, rule.id, ruleMet(rule.id, password, "adalovelace@example.com")]).toEqual([password, rule.id, rule.satisfiedBy(password, { email: "adalovelace@example.com" })]);
    expect(ruleMet("common", "P@ssw0rd1234", "ada@example.com")).toBe(false);
  });
});

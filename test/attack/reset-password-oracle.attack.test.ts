import { ChangePasswordDocument, ConfirmForgotPasswordDocument, LoginDocument } from "../generated/graphql";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, PASSWORD, registerConfirmed, uniqueEmail } from "../support/users";

/**
 * confirmForgotPassword checks the new password against the account's password history BEFORE the emailed
 * code is checked, and the history holds the current password (recorded at sign-up and at every change). So
 * anyone, with no code at all, can ask "is this the account's password?": a guess that is the current (or a
 * recent) password answers PASSWORD_POLICY_VIOLATION {rules: ["history"]}, any other guess CODE_MISMATCH.
 * The code guard gave the attempt back for anything but a wrong code, so a hit cost nothing; the login
 * lockout and the per-address login-failure budget (LOGIN_FAILURES_PER_ADDRESS) never saw these guesses.
 * Now a history answer keeps the attempt (5 per 15 minutes with the wrong codes), and changePassword checks
 * the history only after the fresh factor.
 */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const WRONG_CODE = "000000";
const answerOf = async (email: string, newPassword: string) => {
  const response = await gw.run(ConfirmForgotPasswordDocument, { email, code: WRONG_CODE, newPassword });
  return { status: response.status, code: response.errors?.[0]?.extensions?.["code"], extensions: response.errors?.[0]?.extensions, message: response.errors?.[0]?.message };
};

describe("ATTACK: confirmForgotPassword with a wrong code as a password oracle", () => {
  /**
   * Not made uniform, on purpose: a reset with the right code and one of the last passwords must say
   * PASSWORD_POLICY_VIOLATION {rules: ["history"]} (the HIPAA control), and the provider checks a code only by
   * spending it, so the history answer comes before the code. What bounds the oracle is the code guard: a
   * history answer costs an attempt like a wrong code (next test), so it tests no more passwords than the
   * login's own lockout lets anyone test.
   */
  it("answers an unknown account exactly as a wrong guess on a known one", async () => {
    const victim = await registerConfirmed(gw);
    const wrongGuess = await answerOf(victim, "Wrong-Guess-Horse-31");
    const unknown = await answerOf(uniqueEmail(), "Wrong-Guess-Horse-31");
    expect(unknown).toEqual(wrongGuess);
  });

  it("never lets the right password be confirmed more often than the code guard allows wrong codes (5 per 15 minutes)", async () => {
    const victim = await registerConfirmed(gw);
    const answers: unknown[] = [];
    for (let i = 0; i < 8; i++) answers.push((await answerOf(victim, PASSWORD)).code);
    expect(answers.filter((code) => code === "TOO_MANY_REQUESTS").length).toBeGreaterThan(0);
    // And the owner's password still opens the account (nothing was changed by the probes).
    expect((await gw.run(LoginDocument, { email: victim, password: PASSWORD })).errors).toBeUndefined();
  });

  /**
   * The same check before the step-up in changePassword: a stolen access token alone (no current password, no
   * code) asks "is this the password?" at the per-user mutation rate (30 a minute), never counted by the lockout.
   */
  it("changePassword with a stolen token and no factor says nothing about the new password it was given", async () => {
    const owner = await enrolledUser(gw);
    const probe = async (guess: string) => {
      const response = await gw.run(ChangePasswordDocument, { currentPassword: "Not-What-I-Know-7", newPassword: guess }, { token: owner.accessToken });
      return response.errors?.[0]?.extensions;
    };
    // Six wrong guesses (over the lockout threshold of 5), then the right one.
    for (let i = 0; i < 6; i++) await probe(`Wrong-Guess-Horse-${i}${i}`);
    const hit = await probe(PASSWORD);
    const miss = await probe("Wrong-Guess-Horse-31");
    const loginAfter = await gw.run(LoginDocument, { email: owner.email, password: PASSWORD });
    expect({ hit, loginLocked: loginAfter.errors?.[0]?.extensions?.["code"] === "ACCOUNT_LOCKED" }).toEqual({ hit: miss, loginLocked: false });
  });
});

import {
  ChangePasswordDocument,
  CompleteMfaSetupDocument,
  ConfirmEmailChangeDocument,
  ConfirmForgotPasswordDocument,
  ForgotPasswordDocument,
  LoginDocument,
  LogoutEverywhereDocument,
  MeDocument,
  MfaStatusDocument,
  PasswordPolicyDocument,
  RegisterDocument,
  RequestEmailChangeDocument,
  ResetMfaDocument,
  RespondToMfaDocument,
  SessionsDocument,
  UpdateProfileDocument,
} from "../generated/graphql";
import { TEST_CODE } from "../setup/test-cognito";
import { dataOf, errorOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, loginWithMfa, PASSWORD, freshCode, totp, uniqueEmail } from "../support/users";

const NEW_PASSWORD = "Another-Strong-Passw0rd";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const reasonFor = async (token: string) => errorOf(await gw.run(MeDocument, {}, { token })).extensions.reason;

describe("password policy", () => {
  it("is published as a query", async () => {
    const policy = dataOf(await gw.run(PasswordPolicyDocument)).passwordPolicy;
    expect(policy.minLength).toBe(12);
    expect(policy.rules.map((r) => r.id)).toEqual(["minLength", "uppercase", "lowercase", "digit", "special", "notEmail", "common"]);
  });

  it("lists every unmet rule, before Cognito is asked, and never the password", async () => {
    const response = await gw.run(RegisterDocument, { input: { email: uniqueEmail(), password: "short" } });
    expect(errorOf(response).extensions).toEqual({ code: "PASSWORD_POLICY_VIOLATION", rules: ["minLength", "uppercase", "digit", "special", "common"] });
    expect(JSON.stringify(response)).not.toContain("short");
  });

  it("refuses a password that contains the email's local part", async () => {
    const email = `jonathan.${Date.now()}@example.test`;
    const error = errorOf(await gw.run(RegisterDocument, { input: { email, password: `Xx-1-${email.split("@")[0]}` } }));
    expect(error.extensions).toEqual({ code: "PASSWORD_POLICY_VIOLATION", rules: ["notEmail"] });
  });
});

describe("password reset", () => {
  it("answers forgotPassword with true for known and unknown emails alike", async () => {
    const user = await enrolledUser(gw);
    for (const email of [user.email, uniqueEmail()]) expect(dataOf(await gw.run(ForgotPasswordDocument, { email })).forgotPassword).toBe(true);
  });

  it("sets the new password and ends every session of the account", async () => {
    const user = await enrolledUser(gw);
    const other = (await loginWithMfa(gw, user)).tokens!;
    dataOf(await gw.run(ForgotPasswordDocument, { email: user.email }));
    const weak = errorOf(await gw.run(ConfirmForgotPasswordDocument, { email: user.email, code: TEST_CODE, newPassword: "weakpassword" }));
    expect(weak.extensions.code).toBe("PASSWORD_POLICY_VIOLATION");

    expect(dataOf(await gw.run(ConfirmForgotPasswordDocument, { email: user.email, code: TEST_CODE, newPassword: NEW_PASSWORD })).confirmForgotPassword).toBe(true);
    expect(await reasonFor(user.accessToken)).toBe("TOKEN_REVOKED");
    expect(await reasonFor(other.accessToken)).toBe("TOKEN_REVOKED");
    expect(errorOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).extensions.code).toBe("INVALID_CREDENTIALS");
    expect(dataOf(await gw.run(LoginDocument, { email: user.email, password: NEW_PASSWORD })).login.challenge?.name).toBe("SOFTWARE_TOKEN_MFA");
  });

  it("gives a wrong code and an unknown email the same CODE_MISMATCH", async () => {
    const user = await enrolledUser(gw);
    dataOf(await gw.run(ForgotPasswordDocument, { email: user.email }));
    const wrong = errorOf(await gw.run(ConfirmForgotPasswordDocument, { email: user.email, code: "000000", newPassword: NEW_PASSWORD }));
    const unknown = errorOf(await gw.run(ConfirmForgotPasswordDocument, { email: uniqueEmail(), code: TEST_CODE, newPassword: NEW_PASSWORD }));
    expect(wrong.extensions.code).toBe("CODE_MISMATCH");
    expect(unknown).toEqual(wrong);
  });
});

describe("password change", () => {
  it("keeps this session, ends the others, and needs the current password", async () => {
    const user = await enrolledUser(gw);
    const other = (await loginWithMfa(gw, user)).tokens!;
    const as = { token: user.accessToken };
    expect(errorOf(await gw.run(ChangePasswordDocument, { currentPassword: "Wrong-Passw0rd-1", newPassword: NEW_PASSWORD, code: await freshCode(user.secret) }, as)).extensions.code).toBe("INVALID_CREDENTIALS");
    // The rules are checked before the factor: a weak or unchanged password costs no code.
    expect(errorOf(await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: "weak" }, as)).extensions.code).toBe("PASSWORD_POLICY_VIOLATION");
    expect(errorOf(await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: PASSWORD }, as)).extensions).toMatchObject({ rules: ["differentFromCurrent"] });
    expect(errorOf(await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, as)).extensions).toMatchObject({ code: "FORBIDDEN", reason: "STEP_UP_REQUIRED" });

    expect(dataOf(await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, code: await freshCode(user.secret) }, as)).changePassword).toBe(true);
    expect(dataOf(await gw.run(MeDocument, {}, as)).me.email).toBe(user.email);
    expect(await reasonFor(other.accessToken)).toBe("TOKEN_REVOKED");
    expect(dataOf(await gw.run(LoginDocument, { email: user.email, password: NEW_PASSWORD })).login.challenge?.name).toBe("SOFTWARE_TOKEN_MFA");
  });

  it("is refused to anonymous callers", async () => {
    expect(errorOf(await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).extensions.code).toBe("UNAUTHENTICATED");
  });
});

describe("MFA management", () => {
  it("reports MFA as enabled with TOTP", async () => {
    const user = await enrolledUser(gw);
    expect(dataOf(await gw.run(MfaStatusDocument, {}, { token: user.accessToken })).me.mfaStatus).toEqual({ enabled: true, method: "TOTP" });
  });

  it("re-enrols with a new secret after the password and a current code, and ends the other sessions", async () => {
    const user = await enrolledUser(gw);
    const as = { token: user.accessToken };
    // Refused at the password, before any code is looked at: any code will do.
    expect(errorOf(await gw.run(ResetMfaDocument, { currentPassword: "Wrong-Passw0rd-1", code: totp(user.secret) }, as)).extensions.code).toBe("INVALID_CREDENTIALS");
    const setup = dataOf(await gw.run(ResetMfaDocument, { currentPassword: PASSWORD, code: await freshCode(user.secret) }, as)).resetMfa;
    expect(setup.secret).not.toBe(user.secret);
    const done = dataOf(await gw.run(CompleteMfaSetupDocument, { session: setup.session, code: await freshCode(setup.secret) })).completeMfaSetup.tokens!;
    expect(dataOf(await gw.run(MeDocument, {}, { token: done.accessToken })).me.email).toBe(user.email);
    expect(await reasonFor(user.accessToken)).toBe("TOKEN_REVOKED");

    const login = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge!;
    expect(errorOf(await gw.run(RespondToMfaDocument, { session: login.session, code: await freshCode(user.secret) })).extensions.code).toBe("CODE_MISMATCH");
    expect(dataOf(await gw.run(RespondToMfaDocument, { session: login.session, code: await freshCode(setup.secret) })).respondToMfa.tokens).toBeTruthy();
  });

  it("refuses a wrong current code", async () => {
    const user = await enrolledUser(gw);
    const wrong = totp(user.secret) === "000000" ? "111111" : "000000";
    expect(errorOf(await gw.run(ResetMfaDocument, { currentPassword: PASSWORD, code: wrong }, { token: user.accessToken })).extensions.code).toBe("CODE_MISMATCH");
  });
});

describe("profile and email", () => {
  it("updates names, never from an empty input", async () => {
    const user = await enrolledUser(gw);
    const as = { token: user.accessToken };
    expect(dataOf(await gw.run(UpdateProfileDocument, { input: { givenName: "Grace" } }, as)).updateProfile).toMatchObject({ givenName: "Grace", familyName: "Lovelace" });
    expect(dataOf(await gw.run(MeDocument, {}, as)).me.givenName).toBe("Grace");
    expect(errorOf(await gw.run(UpdateProfileDocument, { input: {} }, as)).extensions.code).toBe("BAD_USER_INPUT");
  });

  it("changes the email only once the code sent to the new address is confirmed", async () => {
    const user = await enrolledUser(gw);
    const as = { token: user.accessToken };
    const newEmail = uniqueEmail();
    expect(errorOf(await gw.run(RequestEmailChangeDocument, { newEmail }, as)).extensions).toMatchObject({ code: "FORBIDDEN", reason: "STEP_UP_REQUIRED" });
    expect(dataOf(await gw.run(RequestEmailChangeDocument, { newEmail, code: await freshCode(user.secret) }, as)).requestEmailChange).toBe(true);
    expect(dataOf(await gw.run(MeDocument, {}, as)).me.email).toBe(user.email);
    expect(errorOf(await gw.run(ConfirmEmailChangeDocument, { code: "000000" }, as)).extensions.code).toBe("CODE_MISMATCH");
    expect(dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, as)).confirmEmailChange).toBe(true);
    expect(dataOf(await gw.run(MeDocument, {}, as)).me).toMatchObject({ email: newEmail, emailVerified: true });
  });

  it("has no way to set email_verified from the client", async () => {
    const response = await gw.run(`mutation { updateProfile(input: { emailVerified: true }) { email } }`);
    expect(errorOf(response).extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});

describe("sessions", () => {
  it("lists the user's sessions, marks the current one, and logoutEverywhere ends them all", async () => {
    const user = await enrolledUser(gw);
    const second = (await loginWithMfa(gw, user)).tokens!;
    const list = dataOf(await gw.run(SessionsDocument, {}, { token: user.accessToken })).sessions;
    expect(list).toHaveLength(2);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    expect(list[0]).toMatchObject({ createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), ip: expect.any(String), userAgent: expect.any(String) });

    expect(dataOf(await gw.run(LogoutEverywhereDocument, {}, { token: second.accessToken })).logoutEverywhere).toBe(true);
    expect(await reasonFor(user.accessToken)).toBe("TOKEN_REVOKED");
    expect(await reasonFor(second.accessToken)).toBe("TOKEN_REVOKED");
  });
});


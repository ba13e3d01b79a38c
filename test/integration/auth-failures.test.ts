import {
  BeginMfaSetupDocument,
  ConfirmSignUpDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  RegisterDocument,
  ResendConfirmationCodeDocument,
  RespondToMfaDocument,
} from "../generated/graphql";
import { setFlags } from "../../src/auth/account-records";
import { FakeClock } from "../fakes/fake-clock";
import { dataOf, errorOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, PASSWORD, registerConfirmed, freshCode, totp, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const codeOf = async (pending: Promise<{ errors?: { extensions: { code: string } }[] }>) => (await pending).errors?.[0]?.extensions.code;

describe("anti-enumeration", () => {
  it("answers an unknown email and a wrong password identically", async () => {
    const email = await registerConfirmed(gw);
    const wrongPassword = errorOf(await gw.run(LoginDocument, { email, password: "Not-The-Password-1" }));
    const unknownEmail = errorOf(await gw.run(LoginDocument, { email: uniqueEmail(), password: "Not-The-Password-1" }));
    expect(wrongPassword.extensions.code).toBe("INVALID_CREDENTIALS");
    expect(unknownEmail).toEqual(wrongPassword);
  });

  it("answers register for a taken email exactly as for a new one", async () => {
    const email = await registerConfirmed(gw);
    const again = await gw.run(RegisterDocument, { input: { email, password: PASSWORD } });
    const fresh = await gw.run(RegisterDocument, { input: { email: uniqueEmail(), password: PASSWORD } });
    expect(again.errors).toBeUndefined();
    expect(again.data).toEqual(fresh.data);
    expect(gw.audit.records.some((r) => r.event === "REGISTER" && r.reason === "ACCOUNT_EXISTS")).toBe(true);
  });

  it("always answers true to resendConfirmationCode", async () => {
    expect(dataOf(await gw.run(ResendConfirmationCodeDocument, { email: uniqueEmail() })).resendConfirmationCode).toBe(true);
    const pending = uniqueEmail();
    dataOf(await gw.run(RegisterDocument, { input: { email: pending, password: PASSWORD } }));
    expect(dataOf(await gw.run(ResendConfirmationCodeDocument, { email: pending })).resendConfirmationCode).toBe(true);
  });

  it("gives a wrong confirmation code and an unknown email the same CODE_MISMATCH", async () => {
    const pending = uniqueEmail();
    dataOf(await gw.run(RegisterDocument, { input: { email: pending, password: PASSWORD } }));
    const wrong = errorOf(await gw.run(ConfirmSignUpDocument, { email: pending, code: "000000" }));
    const unknown = errorOf(await gw.run(ConfirmSignUpDocument, { email: uniqueEmail(), code: TEST_CODE }));
    expect(wrong.extensions.code).toBe("CODE_MISMATCH");
    expect(unknown).toEqual(wrong);
  });

  it("reveals USER_NOT_CONFIRMED only to the holder of the right password", async () => {
    const pending = uniqueEmail();
    dataOf(await gw.run(RegisterDocument, { input: { email: pending, password: PASSWORD } }));
    expect(await codeOf(gw.run(LoginDocument, { email: pending, password: PASSWORD }))).toBe("USER_NOT_CONFIRMED");
    expect(await codeOf(gw.run(LoginDocument, { email: pending, password: "Wrong-Password-22" }))).toBe("INVALID_CREDENTIALS");
  });
});

describe("MFA codes and challenge handles", () => {
  const challengeFor = async (email: string) => dataOf(await gw.run(LoginDocument, { email, password: PASSWORD })).login.challenge!.session;

  it("refuses a wrong TOTP code and lets the user retry on the same handle", async () => {
    const user = await enrolledUser(gw);
    const session = await challengeFor(user.email);
    const wrong = totp(user.secret) === "000000" ? "111111" : "000000";
    expect(await codeOf(gw.run(RespondToMfaDocument, { session, code: wrong }))).toBe("CODE_MISMATCH");
    expect(dataOf(await gw.run(RespondToMfaDocument, { session, code: await freshCode(user.secret) })).respondToMfa.tokens).toBeTruthy();
  });

  it("burns the handle after three wrong codes", async () => {
    const user = await enrolledUser(gw);
    const session = await challengeFor(user.email);
    for (const code of ["000001", "000002", "000003"]) expect(await codeOf(gw.run(RespondToMfaDocument, { session, code }))).toBe("CODE_MISMATCH");
    expect(await codeOf(gw.run(RespondToMfaDocument, { session, code: await freshCode(user.secret) }))).toBe("SESSION_EXPIRED");
  });

  it("refuses a TOTP code that was already used (cognito-local would accept the replay)", async () => {
    const user = await enrolledUser(gw);
    const reused = user.enrolmentCode;
    expect(await codeOf(gw.run(RespondToMfaDocument, { session: await challengeFor(user.email), code: reused }))).toBe("CODE_MISMATCH");
  });

  it("gives SESSION_EXPIRED for unknown, used and wrong-stage handles", async () => {
    expect(await codeOf(gw.run(BeginMfaSetupDocument, { session: "x".repeat(43) }))).toBe("SESSION_EXPIRED");
    const email = await registerConfirmed(gw);
    const setupHandle = await challengeFor(email);
    expect(await codeOf(gw.run(RespondToMfaDocument, { session: setupHandle, code: "123456" }))).toBe("SESSION_EXPIRED");
    const handle = await challengeFor(email);
    dataOf(await gw.run(BeginMfaSetupDocument, { session: handle }));
    expect(await codeOf(gw.run(BeginMfaSetupDocument, { session: handle }))).toBe("SESSION_EXPIRED");
  });

  it("expires a handle after its TTL (injected clock)", async () => {
    const clock = new FakeClock();
    const timed = await startTestGateway({ clock });
    try {
      const email = await registerConfirmed(timed);
      const session = dataOf(await timed.run(LoginDocument, { email, password: PASSWORD })).login.challenge!.session;
      clock.advanceSeconds(299);
      const fresh = dataOf(await timed.run(LoginDocument, { email, password: PASSWORD })).login.challenge!.session;
      clock.advanceSeconds(2);
      expect(await codeOf(timed.run(BeginMfaSetupDocument, { session }))).toBe("SESSION_EXPIRED");
      expect(dataOf(await timed.run(BeginMfaSetupDocument, { session: fresh })).beginMfaSetup.secret).toBeTruthy();
    } finally {
      await timed.close();
    }
  });
});

describe("input validation", () => {
  it("names the bad field and never echoes the value", async () => {
    const secretish = "Leaky-Password-Value-".repeat(20);
    const response = await gw.run(RegisterDocument, { input: { email: "not-an-email", password: secretish } });
    const error = errorOf(response);
    expect(error.extensions.code).toBe("BAD_USER_INPUT");
    expect(error.extensions["fields"]).toEqual([
      { field: "email", rules: ["isEmail"] },
      { field: "password", rules: ["isLength"] },
    ]);
    const body = JSON.stringify(response);
    expect(body).not.toContain("not-an-email");
    expect(body).not.toContain("Leaky-Password");
  });

  it("refuses a code that is not six digits before calling Cognito", async () => {
    const error = errorOf(await gw.run(ConfirmSignUpDocument, { email: uniqueEmail(), code: "12ab" }));
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: [{ field: "code", rules: ["matches"] }] });
    expect(error.message).not.toContain("12ab");
  });

  it("scrubs values from GraphQL validation and variable errors", async () => {
    const inline = await gw.run(`mutation { login(email: 4242424242, password: "Inline-Secret-1") { tokens { accessToken } } }`);
    expect(errorOf(inline).extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(JSON.stringify(inline)).not.toMatch(/4242424242|Inline-Secret/);
    const variables = await gw.run(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { tokens { accessToken } } }`, { e: 4242424242, p: ["Variable-Secret-1"] });
    expect(errorOf(variables).extensions.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(variables)).not.toMatch(/4242424242|Variable-Secret/);
  });
});

describe("rules", () => {
  it("refuses me and logout to anonymous callers", async () => {
    expect(errorOf(await gw.run(MeDocument)).extensions.code).toBe("UNAUTHENTICATED");
    expect(errorOf(await gw.run(LogoutDocument, {})).extensions.code).toBe("UNAUTHENTICATED");
    expect(gw.audit.records.some((r) => r.event === "PERMISSION_DENIED" && r.target === "Query.me")).toBe(true);
  });

  it("refuses a disabled account on its live token (isActive reads the store, not Cognito)", async () => {
    const user = await enrolledUser(gw);
    const sub = dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
    await setFlags(gw.store, sub, { disabled: true });
    expect(errorOf(await gw.run(MeDocument, {}, { token: user.accessToken })).extensions).toMatchObject({ code: "FORBIDDEN", reason: "ACCOUNT_DISABLED" });
  });
});

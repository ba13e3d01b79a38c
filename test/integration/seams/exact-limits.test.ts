import argon2 from "argon2";
import { ConfirmForgotPasswordDocument, LoginDocument, RespondToMfaDocument } from "../../generated/graphql";
import { countingIdp } from "../../support/counting-idp";
import { dataOf, errorOf } from "../../support/graphql-client";
import { startTestGateway, testRedisStore, type TestGateway } from "../../support/test-gateway";
import { enrolledUser, PASSWORD, uniqueEmail } from "../../support/users";

/** Six distinct wrong codes per run (the replay guard would refuse repeats without asking Cognito). */
const wrongCodes = (n: number) => Array.from({ length: n }, (_, i) => String(100000 + i * 7919).padStart(6, "0"));

describe.each([
  ["memory", () => undefined],
  ["Redis", () => testRedisStore()],
])("D: MFA-code lockout is exact under concurrency (%s store)", (_name, makeStore) => {
  let gw: TestGateway;
  let counted: ReturnType<typeof countingIdp>;
  const store = makeStore();
  beforeAll(async () => {
    counted = countingIdp();
    gw = await startTestGateway({ idp: counted.idp, ...(store && { store }) });
  });
  afterAll(async () => {
    await gw.close();
    await store?.close();
  });

  it("15 handles of one account, wrong codes in parallel: exactly 5 are checked, none at Cognito, then the account is locked", async () => {
    const user = await enrolledUser(gw);
    const handles: string[] = [];
    for (let i = 0; i < 15; i++) handles.push(dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge!.session);
    counted.calls.length = 0;
    const codes = wrongCodes(15);
    const answers = await Promise.all(handles.map((session, i) => gw.run(RespondToMfaDocument, { session, code: codes[i]! })));
    const checked = counted.calls.filter((c) => c === "RespondToAuthChallengeCommand").length;
    const byCode = answers.reduce<Record<string, number>>((acc, a) => ({ ...acc, [errorOf(a).extensions.code]: (acc[errorOf(a).extensions.code] ?? 0) + 1 }), {});
    process.stdout.write(`D (${_name}): 15 parallel wrong codes -> ${checked} checked at Cognito; answers ${JSON.stringify(byCode)}\n`);
    // Each wrong code is refused by the gateway's copy of the enrolled secret before Cognito is asked.
    expect(checked).toBe(0);
    expect(byCode["CODE_MISMATCH"]).toBe(5);
    expect(errorOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).extensions.code).toBe("ACCOUNT_LOCKED");
  });
});

describe("I: a password reset does the cheap checks first", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it("answers TOO_MANY_REQUESTS with no argon2 work once the code limit is reached", async () => {
    const user = await enrolledUser(gw);
    const attempt = (code: string) => gw.run(ConfirmForgotPasswordDocument, { email: user.email, code, newPassword: "Brand-New-Passphrase-42" });
    for (const code of wrongCodes(5)) expect(errorOf(await attempt(code)).extensions.code).toBe("CODE_MISMATCH");
    const hash = jest.spyOn(argon2, "hash");
    const verify = jest.spyOn(argon2, "verify");
    try {
      const answers = await Promise.all(wrongCodes(8).map((code) => attempt(code)));
      expect(answers.map((a) => errorOf(a).extensions.code)).toEqual(Array(8).fill("TOO_MANY_REQUESTS"));
      expect(hash.mock.calls.length + verify.mock.calls.length).toBe(0);
    } finally {
      hash.mockRestore();
      verify.mockRestore();
    }
  });

  it("checks the password rules before the account's history (a weak password costs no argon2 either)", async () => {
    const hash = jest.spyOn(argon2, "hash");
    try {
      const weak = errorOf(await gw.run(ConfirmForgotPasswordDocument, { email: uniqueEmail(), code: "123456", newPassword: "short" }));
      expect(weak.extensions.code).toBe("PASSWORD_POLICY_VIOLATION");
      expect(hash).not.toHaveBeenCalled();
    } finally {
      hash.mockRestore();
    }
  });
});

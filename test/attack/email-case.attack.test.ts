import { randomUUID } from "node:crypto";
import { main as adminCli } from "../../src/cli/admin-cli";
import { ConfirmSignUpDocument, ForgotPasswordDocument, LoginDocument, RegisterDocument } from "../generated/graphql";
import { testCognito, TEST_CODE } from "../setup/test-cognito";
import { dataOf, errorOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { PASSWORD } from "../support/users";

/**
 * Issue 22 row 12: an account that signed up with capitals in its email must be the same account for
 * every later look-up, whatever case is typed: sign-in, recovery, and the operator's admin CLI.
 */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const output = () => {
  let text = "";
  return { write: (chunk: string) => (text += chunk), get text() { return text; } };
};

/** `npm run admin` in dev mode against the run's cognito-local (as the operator types it). */
const cli = async (...args: string[]) => {
  const out = output();
  const err = output();
  const code = await adminCli(args, { LOCAL_COGNITO_PORT: new URL(testCognito().endpoint).port, AUDIT_LOG_FILE: "/dev/null" }, out, err);
  return { code, text: out.text + err.text };
};

describe("ATTACK: the same email in another case", () => {
  it("a mixed-case sign-up is found by the admin CLI and signs in in any case", async () => {
    const typed = `Mixed.Case-${randomUUID().slice(0, 8)}@Example.TEST`;
    dataOf(await gw.run(RegisterDocument, { input: { email: typed, password: PASSWORD, givenName: "Ada", familyName: "Lovelace" } }));
    dataOf(await gw.run(ConfirmSignUpDocument, { email: typed.toUpperCase(), code: TEST_CODE }));

    for (const asTyped of [typed, typed.toLowerCase(), typed.toUpperCase()]) {
      const granted = await cli("grant", asTyped, "patient");
      expect(granted).toEqual({ code: 0, text: expect.stringContaining(`Granted patient to ${typed.toLowerCase()}`) });
    }
    for (const asTyped of [typed, typed.toLowerCase(), ` ${typed.toUpperCase()} `.trim()]) {
      const login = dataOf(await gw.run(LoginDocument, { email: asTyped, password: PASSWORD })).login;
      // Not enrolled yet: the next step is TOTP set-up, for the one account.
      expect(login.challenge?.name).toBe("MFA_SETUP");
    }
    expect(dataOf(await gw.run(ForgotPasswordDocument, { email: typed.toLowerCase() })).forgotPassword).toBe(true);
  });

  it("signing up again in another case does not make a second account", async () => {
    const typed = `Twice-${randomUUID().slice(0, 8)}@Example.TEST`;
    dataOf(await gw.run(RegisterDocument, { input: { email: typed, password: PASSWORD, givenName: "Ada", familyName: "Lovelace" } }));
    dataOf(await gw.run(ConfirmSignUpDocument, { email: typed, code: TEST_CODE }));
    // The uniform answer (no hint that the account exists), but no second account behind it.
    await gw.run(RegisterDocument, { input: { email: typed.toLowerCase(), password: `${PASSWORD}-2`, givenName: "Eve", familyName: "X" } });
    const second = await gw.run(LoginDocument, { email: typed.toLowerCase(), password: `${PASSWORD}-2` });
    expect(errorOf(second).extensions.code).toBe("INVALID_CREDENTIALS");
  });
});

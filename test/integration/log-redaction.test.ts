import {
  ChangePasswordDocument,
  ConfirmForgotPasswordDocument,
  ForgotPasswordDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  RefreshTokensDocument,
} from "../generated/graphql";
import { createLogger } from "../../src/shared/logger";
import { TEST_CODE } from "../setup/test-cognito";
import { dataOf } from "../support/graphql-client";
import { startTestGateway } from "../support/test-gateway";
import { codesUsed, enrolledUser, freshCode, loginWithMfa, PASSWORD } from "../support/users";

it("with debug logging on, no password, code, token, secret or email reaches the logs or the audit log", async () => {
  const lines: string[] = [];
  const logger = createLogger("debug", { write: (line: string) => void lines.push(line) });
  const gw = await startTestGateway({ logger });
  try {
    const user = await enrolledUser(gw);
    const second = (await loginWithMfa(gw, user)).tokens!;
    const refreshed = dataOf(await gw.run(RefreshTokensDocument, { refreshToken: second.refreshToken! })).refreshTokens.tokens!;
    dataOf(await gw.run(MeDocument, {}, { token: refreshed.accessToken }));
    await gw.run(LoginDocument, { email: user.email, password: "Wrong-Passw0rd-!!" });
    await gw.run(MeDocument, {}, { token: `${second.accessToken.slice(0, -4)}AAAA` });
    const NEW = "Changed-Passw0rd-22";
    dataOf(await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: NEW, code: await freshCode(user.secret) }, { token: refreshed.accessToken }));
    dataOf(await gw.run(ForgotPasswordDocument, { email: user.email }));
    const RESET = "Reset-Passw0rd-333";
    dataOf(await gw.run(ConfirmForgotPasswordDocument, { email: user.email, code: TEST_CODE, newPassword: RESET }));
    const again = dataOf(await gw.run(LoginDocument, { email: user.email, password: RESET })).login.challenge!;
    await gw.run(LogoutDocument, {}, { token: refreshed.accessToken });

    const logs = lines.join("");
    expect(lines.length).toBeGreaterThan(15);
    expect(logs).toContain('"msg":"graphql request"');
    expect(logs).toContain("[redacted]");
    const secrets = {
      passwords: [PASSWORD, NEW, RESET, "Wrong-Passw0rd-!!"],
      codes: [`"${TEST_CODE}"`, ...codesUsed(user.secret).map((c) => `"${c}"`)],
      tokens: [user.accessToken, user.refreshToken, second.accessToken, second.idToken, second.refreshToken!, refreshed.accessToken, refreshed.idToken],
      other: [user.email, user.secret, again.session],
    };
    const everything = logs + JSON.stringify(gw.audit.records);
    for (const [kind, values] of Object.entries(secrets)) {
      for (const value of values) expect({ kind, leaked: everything.includes(value) }).toEqual({ kind, leaked: false });
    }
  } finally {
    await gw.close();
  }
});

import { flagsKey } from "../../../src/auth/account-records";
import { PasswordRotation } from "../../../src/policy/password-rotation";
import { LoginDocument, MeDocument, RefreshTokensDocument } from "../../generated/graphql";
import { dataOf, errorOf } from "../../support/graphql-client";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { enrolledUser, type EnrolledUser } from "../../support/users";

/**
 * One access policy for every door: the same account states, refused the same way by graphql-shield
 * (`me`) and by refreshTokens. (The federation asserter, the third door, is tested in e2e/federation.)
 */
describe("the access policy at every door", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  const subOf = async (user: EnrolledUser) => dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
  const states: [string, (user: EnrolledUser, sub: string) => Promise<void>][] = [
    ["ACCOUNT_DISABLED", async (_user, sub) => gw.store.set(flagsKey(sub), JSON.stringify({ disabled: true }), 3600)],
    [
      "ACCOUNT_LOCKED",
      async (user) => {
        for (let i = 0; i < 5; i++) await gw.run(LoginDocument, { email: user.email, password: "Wrong-Passw0rd-!!" });
      },
    ],
    ["PASSWORD_EXPIRED", async (_user, sub) => gw.store.set(PasswordRotation.key(sub), String(Math.floor(Date.now() / 1000) - 91 * 86400), 3600)],
  ];

  it.each(states)("%s: refused by shield and by refreshTokens alike", async (reason, enter) => {
    const user = await enrolledUser(gw);
    await enter(user, await subOf(user));
    const expected = { code: "FORBIDDEN", reason };
    expect(errorOf(await gw.run(MeDocument, {}, { token: user.accessToken })).extensions).toEqual(expected);
    expect(errorOf(await gw.run(RefreshTokensDocument, { refreshToken: user.refreshToken })).extensions).toEqual(expected);
  });
});

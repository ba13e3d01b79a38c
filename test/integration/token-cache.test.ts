import { LogoutDocument, MeDocument } from "../generated/graphql";
import { countingIdp } from "../support/counting-idp";
import { dataOf, errorOf } from "../support/graphql-client";
import { startTestGateway } from "../support/test-gateway";
import { enrolledUser, loginWithMfa } from "../support/users";

describe("the hot path with the token cache", () => {
  it("serves 1,000 authenticated requests with no Cognito call and one signature check", async () => {
    const counted = countingIdp();
    const gw = await startTestGateway({ idp: counted.idp });
    try {
      const user = await enrolledUser(gw);
      const before = counted.calls.length;
      const misses = gw.verifier.stats.misses;
      for (let i = 0; i < 1000; i++) dataOf(await gw.run(MeDocument, {}, { token: user.accessToken }));
      expect(counted.calls.slice(before)).toEqual([]);
      expect(gw.verifier.stats.misses - misses).toBe(1);
    } finally {
      await gw.close();
    }
  });

  it("still refuses a logged-out session on the very next request", async () => {
    const gw = await startTestGateway();
    try {
      const user = await enrolledUser(gw);
      const other = (await loginWithMfa(gw, user)).tokens!;
      for (let i = 0; i < 3; i++) dataOf(await gw.run(MeDocument, {}, { token: user.accessToken }));
      dataOf(await gw.run(LogoutDocument, {}, { token: other.accessToken }));
      dataOf(await gw.run(LogoutDocument, {}, { token: user.accessToken }));
      expect(gw.verifier.stats.hits).toBeGreaterThan(0);
      expect(errorOf(await gw.run(MeDocument, {}, { token: user.accessToken })).extensions.reason).toBe("TOKEN_REVOKED");
    } finally {
      await gw.close();
    }
  });
});

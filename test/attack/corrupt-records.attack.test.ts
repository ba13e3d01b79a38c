import { randomBytes } from "node:crypto";
import { flagsKey } from "../../src/auth/account-records";
import { sha256 } from "../../src/shared/digest";
import { MeDocument, RefreshTokensDocument } from "../generated/graphql";
import { dataOf, errorOf, type GraphQLResponse } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, type EnrolledUser } from "../support/users";

/**
 * Issue 25 row 7: a stored record is input. Whoever can write to the store (a hand edit, another gateway
 * version, a damaged value) must not get past a check by leaving a record the wrong shape, nor turn a
 * request into a 500: a corrupt record is refused the way the missing or refusing record would be.
 */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const subOf = async (user: EnrolledUser) => dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
const answer = (r: GraphQLResponse<unknown>) => ({ status: r.status, extensions: errorOf(r).extensions, data: r.data ?? null });

describe("ATTACK: corrupt stored records", () => {
  it.each([
    ["an empty object (no `disabled` at all)", "{}"],
    ["`disabled` not a boolean", JSON.stringify({ disabled: "no" })],
    ["not JSON", "{disabled"],
  ])("administrator flags that are %s disable the account (fail closed), answered like a disabled account", async (_what, corrupt) => {
    const [user, disabled] = [await enrolledUser(gw), await enrolledUser(gw)];
    await gw.store.set(flagsKey(await subOf(user)), corrupt, 3600);
    await gw.store.set(flagsKey(await subOf(disabled)), JSON.stringify({ disabled: true }), 3600);
    const me = await gw.run(MeDocument, {}, { token: user.accessToken });
    expect(answer(me)).toEqual(answer(await gw.run(MeDocument, {}, { token: disabled.accessToken })));
    expect(errorOf(me).extensions).toEqual({ code: "FORBIDDEN", reason: "ACCOUNT_DISABLED" });
  });

  it.each([
    ["not JSON", "{sub"],
    ["the wrong shape", JSON.stringify({ sub: 42 })],
  ])("a refresh record that is %s is refused exactly like an unknown refresh token", async (_what, corrupt) => {
    const user = await enrolledUser(gw);
    // The session registry keys the provider's refresh token, which the client's handle stands for.
    const providerRefresh = await gw.services.heldTokens.refreshToken(user.refreshToken);
    expect(providerRefresh).toEqual(expect.any(String));
    await gw.store.set(`refresh:${sha256(providerRefresh ?? "")}`, corrupt, 3600);
    const refused = await gw.run(RefreshTokensDocument, { refreshToken: user.refreshToken });
    const unknown = await gw.run(RefreshTokensDocument, { refreshToken: randomBytes(32).toString("base64url") });
    expect(answer(refused)).toEqual(answer(unknown));
    expect(refused.status).toBeLessThan(500);
  });
});

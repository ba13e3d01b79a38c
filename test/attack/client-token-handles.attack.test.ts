import { randomBytes, randomUUID } from "node:crypto";
import Redis from "ioredis";
import { AdminDisableUserDocument, LogoutDocument, LogoutEverywhereDocument, MeDocument, RefreshTokensDocument } from "../generated/graphql";
import { unsealRecord } from "../../src/shared/sealed-record";
import { RedisStore } from "../../src/store/redis-store";
import { dataOf, errorOf, type GraphQLResponse } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { adminUser, enrolledUser, loginWithMfa, providerAccessToken, type EnrolledUser } from "../support/users";

/**
 * Bearer clients hold opaque handles; the provider's tokens stay in the state store, sealed under the handle
 * (src/auth/held-tokens.ts). A handle must be worth exactly what its session is worth, and nothing else: not
 * after the session ended, not when guessed or mangled, not in the other role, and the store alone must not
 * hand out the tokens it holds.
 */
const prefix = `authgw-test:${randomUUID()}:`;
const redis = new Redis("redis://127.0.0.1:6379");
const store = new RedisStore({ url: "redis://127.0.0.1:6379", keyPrefix: prefix });
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ store });
});
afterAll(async () => {
  await gw.close();
  // A store given to the gateway stays open: its owner closes it (or a single-file run never exits).
  await store.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const handleShape = /^[A-Za-z0-9_-]{43}$/;
const me = (token: string) => gw.run(MeDocument, {}, { token });
const refused = (response: GraphQLResponse<unknown>) => ({ status: response.status, ...errorOf(response).extensions });
const signedIn = async (): Promise<EnrolledUser & { idToken: string }> => {
  const user = await enrolledUser(gw);
  const tokens = (await loginWithMfa(gw, user)).tokens!;
  return { ...user, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken!, idToken: tokens.idToken };
};

describe("ATTACK: replaying a handle after its session ended", () => {
  it("hands out handles, not JWTs, and they work while the session lives (the control)", async () => {
    const user = await signedIn();
    expect(user.accessToken).toMatch(handleShape);
    expect(user.refreshToken).toMatch(handleShape);
    expect(user.idToken.split(".")).toHaveLength(3);
    expect(dataOf(await me(user.accessToken)).me.email).toBe(user.email);
    const refreshed = dataOf(await gw.run(RefreshTokensDocument, { refreshToken: user.refreshToken })).refreshTokens.tokens!;
    expect(refreshed.accessToken).toMatch(handleShape);
    expect(refreshed.accessToken).not.toBe(user.accessToken);
    expect(dataOf(await me(refreshed.accessToken)).me.email).toBe(user.email);
  });

  it("refuses both handles after logout", async () => {
    const user = await signedIn();
    dataOf(await gw.run(LogoutDocument, { refreshToken: user.refreshToken }, { token: user.accessToken }));
    expect(refused(await me(user.accessToken))).toEqual({ status: 401, code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
    expect(refused(await gw.run(RefreshTokensDocument, { refreshToken: user.refreshToken }))).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
  });

  it("refuses the handles of every session after logoutEverywhere, the refreshed ones included", async () => {
    const user = await signedIn();
    const other = (await loginWithMfa(gw, user)).tokens!;
    const refreshed = dataOf(await gw.run(RefreshTokensDocument, { refreshToken: other.refreshToken! })).refreshTokens.tokens!;
    dataOf(await gw.run(LogoutEverywhereDocument, {}, { token: user.accessToken }));
    for (const token of [user.accessToken, other.accessToken, refreshed.accessToken]) expect(refused(await me(token))).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
    for (const refreshToken of [user.refreshToken, other.refreshToken!]) expect(refused(await gw.run(RefreshTokensDocument, { refreshToken }))).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
  });

  it("refuses the handles of a user an administrator disabled", async () => {
    const admin = await adminUser(gw);
    const user = await signedIn();
    const sub = dataOf(await me(user.accessToken)).me.sub;
    dataOf(await gw.run(AdminDisableUserDocument, { userId: sub }, { token: admin.accessToken }));
    expect(refused(await me(user.accessToken))).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
    expect(refused(await gw.run(RefreshTokensDocument, { refreshToken: user.refreshToken }))).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

describe("ATTACK: a handle that was never handed out, or is used in the other role", () => {
  let user: EnrolledUser;
  beforeAll(async () => {
    user = await signedIn();
  });

  it("refuses a guessed handle and a mangled one with TOKEN_INVALID, never a 500", async () => {
    const guessed = randomBytes(32).toString("base64url");
    const last = user.accessToken.at(-1) === "A" ? "B" : "A";
    const mangled = `${user.accessToken.slice(0, -1)}${last}`;
    for (const token of [guessed, mangled, `${user.accessToken}A`, user.accessToken.slice(1)]) {
      expect(refused(await me(token))).toEqual({ status: 401, code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
    }
    expect(refused(await gw.run(RefreshTokensDocument, { refreshToken: guessed }))).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
  });

  it("refuses a refresh handle as an access token, and an access handle as a refresh token", async () => {
    expect(refused(await me(user.refreshToken))).toEqual({ status: 401, code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
    expect(refused(await gw.run(RefreshTokensDocument, { refreshToken: user.accessToken }))).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
    // Neither refusal cost the session anything (the control).
    expect(dataOf(await me(user.accessToken)).me.email).toBe(user.email);
  });
});

describe("ATTACK: a dump of the state store", () => {
  it("holds no provider token and no handle; a held record opens only under its own handle", async () => {
    const user = await signedIn();
    const providerAccess = await providerAccessToken(gw, user.accessToken);
    const providerRefresh = (await gw.services.heldTokens.refreshToken(user.refreshToken))!;
    const keys = await redis.keys(`${prefix}*`);
    const values = await Promise.all(keys.map((key) => redis.get(key).catch(() => "")));
    const dump = keys.map((key, i) => `${key}=${values[i] ?? ""}`).join("\n");
    for (const secret of [providerAccess, providerAccess.split(".")[2]!, providerRefresh, user.accessToken, user.refreshToken]) expect(dump).not.toContain(secret);

    const held = keys.filter((key) => key.includes("held-access:") || key.includes("held-refresh:"));
    expect(held.length).toBeGreaterThanOrEqual(2);
    const sealed = await Promise.all(held.map((key) => redis.get(key)));
    // Without the handle nothing opens: not under a guessed handle, not under the record's own key name.
    for (const [i, value] of sealed.entries()) {
      for (const bearer of [randomBytes(32).toString("base64url"), held[i]!.split(":").at(-1)!]) {
        for (const kind of ["access", "refresh"]) expect(unsealRecord(bearer, `authgw held ${kind} token v1`, value!)).toBeUndefined();
      }
    }
    // The control: under the handle it opens (what the gateway does per request).
    const opened = sealed.map((value) => unsealRecord(user.accessToken, "authgw held access token v1", value!)).filter(Boolean);
    expect(opened).toEqual([providerAccess]);
  });
});

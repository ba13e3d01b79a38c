import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { AdminDisableUserDocument, ChangePasswordDocument, LogoutDocument, LogoutEverywhereDocument, MeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { adminUser, enrolledUser, freshCode, loginWithMfa, PASSWORD } from "../support/users";

/**
 * Production runs at least two tasks behind a load balancer, one Redis between them, and each task keeps
 * verified tokens and the handles standing for them in process (TOKEN_CACHE_SIZE, on by default). The cache
 * tests use one instance. Here a stolen handle is warmed on instance B while the owner ends the session on
 * instance A, in every way an owner or an administrator can: B must refuse it on its very next request.
 */
const prefix = `authgw-two:${randomUUID()}:`;
let a: TestGateway;
let b: TestGateway;
beforeAll(async () => {
  const settings = { redisUrl: "redis://127.0.0.1:6379", redisKeyPrefix: prefix };
  a = await startTestGateway({ settings });
  b = await startTestGateway({ settings });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  const redis = new Redis("redis://127.0.0.1:6379");
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const warmOnB = async (token: string) => {
  for (let i = 0; i < 3; i++) expect(dataOf(await b.run(MeDocument, {}, { token })).me.email).toBeTruthy();
};
const refusedOnB = async (token: string) => (await b.run(MeDocument, {}, { token })).errors?.[0]?.extensions?.["code"];

describe("ATTACK: a session ended on one instance, its handle warm in another's cache", () => {
  it("logout on A: B refuses the handle", async () => {
    const owner = await enrolledUser(a);
    await warmOnB(owner.accessToken);
    dataOf(await a.run(LogoutDocument, {}, { token: owner.accessToken }));
    expect(await refusedOnB(owner.accessToken)).toBe("UNAUTHENTICATED");
  });

  it("logoutEverywhere on A from another session: B refuses the stolen handle", async () => {
    const owner = await enrolledUser(a);
    const stolen = (await loginWithMfa(a, owner)).tokens!.accessToken;
    await warmOnB(stolen);
    dataOf(await a.run(LogoutEverywhereDocument, {}, { token: owner.accessToken }));
    expect(await refusedOnB(stolen)).toBe("UNAUTHENTICATED");
  });

  it("changePassword on A (other sessions end): B refuses the stolen handle", async () => {
    const owner = await enrolledUser(a);
    const stolen = (await loginWithMfa(a, owner)).tokens!.accessToken;
    await warmOnB(stolen);
    dataOf(await a.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: "Changed-Passphrase-99", code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    expect(await refusedOnB(stolen)).toBe("UNAUTHENTICATED");
  });

  it("adminDisableUser on A: B refuses the disabled account's handle", async () => {
    const admin = await adminUser(a);
    const user = await enrolledUser(a);
    await warmOnB(user.accessToken);
    const sub = dataOf(await b.run(MeDocument, {}, { token: user.accessToken })).me.sub;
    dataOf(await a.run(AdminDisableUserDocument, { userId: sub }, { token: admin.accessToken }));
    expect(await refusedOnB(user.accessToken)).toBe("UNAUTHENTICATED");
  });
});

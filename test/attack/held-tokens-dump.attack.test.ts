import { randomBytes, randomUUID } from "node:crypto";
import Redis from "ioredis";
import { LoginHandles } from "../../src/auth/login/login-handles";
import { RedisStore } from "../../src/store/redis-store";
import { FakeClock } from "../fakes/fake-clock";

/**
 * A dump of the state store (a Redis backup, a replica, MONITOR, a stolen RDB file) must not hand out the
 * Cognito tokens a pending login holds back (PASSWORD_EXPIRED, MFA set-up with held tokens).
 */
const prefix = `authgw-test:${randomUUID()}:`;
const redis = new Redis("redis://127.0.0.1:6379");
const store = new RedisStore({ url: "redis://127.0.0.1:6379", keyPrefix: prefix });
const clock = new FakeClock();
const handles = new LoginHandles({ store, clock, ttlSeconds: 300, epoch: { assertCurrent: async () => undefined } });

const dumpStore = async (): Promise<string> => {
  const keys = await redis.keys(`${prefix}*`);
  const values = await Promise.all(keys.map((key) => redis.get(key)));
  return keys.map((key, i) => `${key}=${values[i] ?? ""}`).join("\n");
};

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await store.close();
});

describe("ATTACK: a dump of the state store during a pending login", () => {
  const tokens = {
    accessToken: `access.${randomBytes(24).toString("base64url")}`,
    idToken: `id.${randomBytes(24).toString("base64url")}`,
    refreshToken: `refresh.${randomBytes(24).toString("base64url")}`,
    expiresIn: 3600,
    tokenType: "Bearer",
  };
  const common = { email: "held@example.test", username: "sub-held", mark: { epoch: 1, startedAt: 0 }, proven: ["password", "totp"] as const };

  it("finds no held token, no email and no Cognito session, and the handle still works", async () => {
    const expired = await handles.create("SOFTWARE_TOKEN_MFA", { ...common, proven: [...common.proven], stage: "PASSWORD_EXPIRED", tokens });
    const enrol = await handles.create("PASSWORD", { ...common, proven: ["password"], stage: "MFA_SETUP", via: { kind: "held", tokens } });
    const dump = await dumpStore();
    expect(dump.split("\n")).toHaveLength(2);
    for (const secret of [tokens.accessToken, tokens.idToken, tokens.refreshToken, common.email, expired, enrol]) expect(dump).not.toContain(secret);

    expect((await handles.take(expired, "PASSWORD_EXPIRED")).tokens).toEqual(tokens);
    expect((await handles.take(enrol, "MFA_SETUP")).via).toEqual({ kind: "held", tokens });
  });

  it("a stored record cannot be opened or replayed under another handle", async () => {
    const one = await handles.create("SOFTWARE_TOKEN_MFA", { ...common, proven: [...common.proven], stage: "PASSWORD_EXPIRED", tokens });
    const other = await handles.create("SOFTWARE_TOKEN_MFA", { ...common, proven: [...common.proven], stage: "PASSWORD_EXPIRED", tokens });
    // The attacker copies one handle's sealed record onto the other's key: the other handle must not open it.
    const [oneKey, otherKey] = (await redis.keys(`${prefix}*`)).sort();
    const sealed = await redis.get(oneKey!);
    await redis.set(otherKey!, sealed!, "EX", 300);
    const results = await Promise.allSettled([handles.take(one, "PASSWORD_EXPIRED"), handles.take(other, "PASSWORD_EXPIRED")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "SESSION_EXPIRED" } });
  });
});

import Redis from "ioredis";
import { loadConfig } from "../../src/config";
import { MeDocument } from "../generated/graphql";
import { dataOf, execute } from "../support/graphql-client";
import { beginBrowserLogin, finishBrowserLogin, signInAtPool, startHostedLogin, subOf, type HostedLoginSetup } from "../support/hosted-login";
import { testRedisStore } from "../support/test-gateway";
import { enrolledUser } from "../support/users";

describe("hosted login's routes are rate-limited per address", () => {
  let setup: HostedLoginSetup;
  beforeAll(async () => {
    setup = await startHostedLogin({ settings: { policy: { ...loadConfig({}).policy, rateLimitIpPerMinute: 3, rateLimitAccountPerMinute: 0 } } });
  });
  afterAll(async () => {
    await setup?.close();
  });

  it("allows RATE_LIMIT_IP_PER_MINUTE logins and callbacks per address and minute", async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(`${setup.origin}/auth/login`, { redirect: "manual" })).status).toBe(302);
    for (const path of ["/auth/login", "/auth/callback?code=x&state=y"]) {
      const refused = await fetch(`${setup.origin}${path}`, { redirect: "manual" });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("TOO_MANY_REQUESTS");
    }
  });
});

/** Hosted login over the shared Redis store: the pending login is used once, the tokens at rest are sealed. */
describe("hosted login on Redis", () => {
  const store = testRedisStore();
  const redis = new Redis("redis://127.0.0.1:6379");
  let setup: HostedLoginSetup;

  beforeAll(async () => {
    setup = await startHostedLogin({ store });
  });
  afterAll(async () => {
    await setup?.close();
    const keys = await redis.keys(`${store.prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await store.close();
  });

  const dump = async (): Promise<Map<string, string>> => {
    const keys = await redis.keys(`${store.prefix}*`);
    const entries = await Promise.all(keys.map(async (k) => [k.slice(store.prefix.length), (await redis.type(k)) === "string" ? ((await redis.get(k)) ?? "") : ""] as const));
    return new Map(entries);
  };

  it("keeps state, nonce and verifier until the callback only, and no token in the clear", async () => {
    const user = await enrolledUser(setup.gw);
    const sub = await subOf(user.email);
    const { authorize, cookie: binding } = await beginBrowserLogin(setup.origin);
    const pending = [...(await dump()).keys()].filter((k) => k.startsWith("oauth-pending:"));
    expect(pending).toHaveLength(1);
    expect(await redis.ttl(`${store.prefix}${pending[0]}`)).toBeLessThanOrEqual(300);
    // The key is a digest of the state: the state itself is not in the store.
    expect(pending[0]).not.toContain(authorize.searchParams.get("state")!);

    const back = await signInAtPool(authorize.href, sub);
    const response = await finishBrowserLogin(setup.origin, back, binding);
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith("authgw-session="))!.split(";")[0]!;
    expect(dataOf(await execute(setup.gw.url, MeDocument, {}, { headers: { cookie } })).me.sub).toBe(sub);

    const after = await dump();
    expect([...after.keys()].filter((k) => k.startsWith("oauth-pending:"))).toEqual([]);
    expect([...after.keys()].filter((k) => k.startsWith("cookie-session:"))).toHaveLength(1);
    // Access and id tokens are JWTs: none may sit in the store readable (the cookie's record is sealed).
    for (const [key, value] of after) expect(`${key} ${value}`).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    expect([...after.values()].join(" ")).not.toContain(cookie.split("=")[1]);
  });
});

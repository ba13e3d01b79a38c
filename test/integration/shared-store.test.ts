import { LoginDocument, LogoutDocument, MeDocument, RespondToMfaDocument } from "../generated/graphql";
import { IdleTimeout } from "../../src/policy/idle-timeout";
import { RedisStore } from "../../src/store/redis-store";
import { dataOf, errorOf } from "../support/graphql-client";
import { startTestGateway, testRedisStore, type TestGateway } from "../support/test-gateway";
import { enrolledUser, PASSWORD, registerConfirmed, freshCode } from "../support/users";

describe("two gateway instances sharing Redis", () => {
  let store: RedisStore;
  let a: TestGateway;
  let b: TestGateway;
  beforeAll(async () => {
    store = testRedisStore();
    a = await startTestGateway({ store });
    b = await startTestGateway({ store });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await store.clearPrefix();
    await store.close();
  });

  it("continue each other's challenges and see each other's logouts", async () => {
    const user = await enrolledUser(a);
    const login = dataOf(await a.run(LoginDocument, { email: user.email, password: PASSWORD })).login;
    const tokens = dataOf(await b.run(RespondToMfaDocument, { session: login.challenge!.session, code: await freshCode(user.secret) })).respondToMfa.tokens!;
    expect(dataOf(await a.run(MeDocument, {}, { token: tokens.accessToken })).me.email).toBe(user.email);

    dataOf(await b.run(LogoutDocument, {}, { token: tokens.accessToken }));
    expect(errorOf(await a.run(MeDocument, {}, { token: tokens.accessToken })).extensions.reason).toBe("TOKEN_REVOKED");
  });

  it("share lockouts: failures through one lock the account on the other", async () => {
    const user = await enrolledUser(a);
    for (const gw of [a, b, a, b, a]) expect(errorOf(await gw.run(LoginDocument, { email: user.email, password: "Wrong-Passw0rd-!!" })).extensions.code).toBe("INVALID_CREDENTIALS");
    expect(errorOf(await b.run(LoginDocument, { email: user.email, password: PASSWORD })).extensions.code).toBe("ACCOUNT_LOCKED");
  });

  it("share idle logoff: a session one instance finds idle is ended for the other", async () => {
    const user = await enrolledUser(a);
    const sessionId = (await a.services.sessions.list(dataOf(await a.run(MeDocument, {}, { token: user.accessToken })).me.sub))[0]!.id;
    // Stands for the activity key's TTL running out in Redis (the contract tests check Redis applies TTLs).
    await store.delete(IdleTimeout.key(sessionId));
    expect(errorOf(await b.run(MeDocument, {}, { token: user.accessToken })).extensions.reason).toBe("SESSION_IDLE");
    expect(errorOf(await a.run(MeDocument, {}, { token: user.accessToken })).extensions.reason).toBe("TOKEN_REVOKED");
  });

  it("lets only one instance use a handle when both race for it", async () => {
    const user = await enrolledUser(a);
    const session = dataOf(await a.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge!.session;
    const code = await freshCode(user.secret);
    const [first, second] = await Promise.all([a.run(RespondToMfaDocument, { session, code }), b.run(RespondToMfaDocument, { session, code })]);
    const outcomes = [first, second].map((r) => (r.errors ? r.errors[0]?.extensions.code : "TOKENS")).sort();
    expect(outcomes).toEqual(["SESSION_EXPIRED", "TOKENS"]);
  });
});

describe("an unreachable Redis", () => {
  it("fails closed with SERVICE_UNAVAILABLE within a bounded time, and /readyz says so", async () => {
    const dead = new RedisStore({ url: "redis://127.0.0.1:1", commandTimeoutMs: 300 });
    const healthy = await startTestGateway();
    const email = await registerConfirmed(healthy);
    await healthy.close();
    const gw = await startTestGateway({ store: dead });
    try {
      const started = Date.now();
      const response = await gw.run(LoginDocument, { email, password: PASSWORD });
      expect(errorOf(response).extensions.code).toBe("SERVICE_UNAVAILABLE");
      expect(Date.now() - started).toBeLessThan(5000);
      const ready = await fetch(gw.url.replace("/graphql", "/readyz"));
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { store: "unavailable" } });
    } finally {
      await gw.close();
      await dead.close();
    }
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HashChainedFileSink } from "../../../src/audit/audit-log";
import { loadConfig } from "../../../src/config";
import { LoginDocument, MeDocument, RequestEmailChangeDocument, UpdateProfileDocument } from "../../generated/graphql";
import { errorOf } from "../../support/graphql-client";
import { startTestGateway, testRedisStore, type TestGateway } from "../../support/test-gateway";
import { enrolledUser, uniqueEmail } from "../../support/users";

const defaults = loadConfig({}).policy;

describe("refusals are recorded, aggregated and bounded (rows 9, 10)", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ settings: { policy: { ...defaults, rateLimitIpPerMinute: 5, rateLimitAccountPerMinute: 0, rateLimitUserPerMinute: 0 } } });
  });
  afterAll(() => gw.close());

  it("2,000 garbage bearer tokens from one address make two audit records, with the count", async () => {
    const before = gw.audit.records.length;
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(Array.from({ length: 100 }, () => gw.run(MeDocument, {}, { token: "garbage.garbage.garbage" })));
    }
    await gw.refusals.flush();
    const written = gw.audit.records.slice(before).filter((r) => r.event === "TOKEN_REJECTED");
    expect(written).toHaveLength(2);
    expect(written[1]).toMatchObject({ reason: "TOKEN_INVALID:REPEATED", count: 1999, firstAt: expect.any(String), lastAt: expect.any(String) });
  });

  it("records attempts refused by a rate limit (aggregated per address and reason)", async () => {
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await gw.run(LoginDocument, { email: uniqueEmail(), password: "Wrong-Passw0rd-!!" }));
    expect(answers.filter((a) => a.errors?.[0]?.extensions.code === "TOO_MANY_REQUESTS")).toHaveLength(3);
    expect(answers.at(-1)?.status).toBe(429);
    await gw.refusals.flush();
    const limited = gw.audit.records.filter((r) => r.event === "RATE_LIMITED");
    expect(limited[0]).toMatchObject({ outcome: "FAILURE", reason: "TOO_MANY_REQUESTS:login", target: "Mutation.login" });
    expect(limited.at(-1)).toMatchObject({ count: 2 });
  });
});

describe("signed-in mutations are limited per account (row 12)", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ settings: { policy: { ...defaults, rateLimitIpPerMinute: 0, rateLimitAccountPerMinute: 0, rateLimitUserPerMinute: 10 } } });
  });
  afterAll(() => gw.close());

  it("60 requestEmailChange to arbitrary addresses: 5 reach the service (and its step-up), then TOO_MANY_REQUESTS with retryAfterSeconds", async () => {
    const user = await enrolledUser(gw);
    const answers = await Promise.all(Array.from({ length: 60 }, () => gw.run(RequestEmailChangeDocument, { newEmail: uniqueEmail() }, { token: user.accessToken })));
    // Without a fresh factor none sends mail; the limit is counted before the service all the same.
    const reached = answers.filter((a) => errorOf(a).extensions.code !== "TOO_MANY_REQUESTS");
    expect(reached.map((a) => errorOf(a).extensions.reason)).toEqual(Array(5).fill("STEP_UP_REQUIRED"));
    const refused = answers.find((a) => errorOf(a).extensions.code === "TOO_MANY_REQUESTS")!;
    expect(errorOf(refused).extensions).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfterSeconds: expect.any(Number) });
  });

  it("60 updateProfile: the per-account limit (10 a minute) holds", async () => {
    const user = await enrolledUser(gw);
    const answers = await Promise.all(Array.from({ length: 60 }, () => gw.run(UpdateProfileDocument, { input: { givenName: "Ada" } }, { token: user.accessToken })));
    expect(answers.filter((a) => !a.errors)).toHaveLength(10);
  });
});

describe("the client address behind proxies (row 11)", () => {
  it.each([
    [0, "127.0.0.1"],
    [1, "203.0.113.9"],
    [2, "198.51.100.7"],
  ])("TRUST_PROXY_HOPS=%s: audit and limits see %s", async (hops, expected) => {
    const gw = await startTestGateway({ settings: { trustProxyHops: hops } });
    try {
      await gw.run(LoginDocument, { email: uniqueEmail(), password: "Wrong-Passw0rd-!!" }, { headers: { "x-forwarded-for": "10.9.9.9, 198.51.100.7, 203.0.113.9" } });
      const login = gw.audit.records.find((r) => r.event === "LOGIN")!;
      expect(login.ip?.replace("::ffff:", "")).toBe(expected);
    } finally {
      await gw.close();
    }
  });

  it("counts failures per address exactly, on one Redis key prefix (reserve, then check)", async () => {
    const store = testRedisStore();
    const gw = await startTestGateway({ store, settings: { trustProxyHops: 1, policy: { ...defaults, loginFailuresPerAddress: 10, rateLimitIpPerMinute: 0, rateLimitAccountPerMinute: 0, rateLimitUserPerMinute: 0 } } });
    try {
      const from = (ip: string) => ({ headers: { "x-forwarded-for": ip } });
      const answers = await Promise.all(Array.from({ length: 30 }, () => gw.run(LoginDocument, { email: uniqueEmail(), password: "Wrong-Passw0rd-!!" }, from("203.0.113.50"))));
      const codes = answers.map((a) => a.errors?.[0]?.extensions.code);
      expect(codes.filter((c) => c === "INVALID_CREDENTIALS")).toHaveLength(10);
      // Another client behind the same proxy is not blocked by the first one's failures.
      expect(errorOf(await gw.run(LoginDocument, { email: uniqueEmail(), password: "Wrong-Passw0rd-!!" }, from("203.0.113.51"))).extensions.code).toBe("INVALID_CREDENTIALS");
      const keys = await store.client.keys(`${store.prefix}*login-failures-by-address*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key.startsWith(`${store.prefix}login-failures-by-address`)).toBe(true);
    } finally {
      await gw.close();
      await store.close();
    }
  });
});

describe("readiness includes the audit sink (row 8)", () => {
  it("is not ready while the audit file cannot be written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "audit-ready-"));
    const gw = await startTestGateway({ auditSink: new HashChainedFileSink(dir) });
    try {
      const ready = await fetch(gw.url.replace("/graphql", "/readyz"));
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: Record<string, string> }).checks).toMatchObject({ auditSink: "unavailable", store: "ok" });
    } finally {
      await gw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

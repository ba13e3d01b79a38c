import { rmSync } from "node:fs";
import { join } from "node:path";
import { AdminDisableUserDocument, LoginDocument, LogoutDocument, MeDocument } from "../generated/graphql";
import { loadConfig } from "../../src/config";
import type { TieredStore } from "../../src/db/tiered-store";
import { waitFor } from "../support/gateway-process";
import { dataOf, errorOf } from "../support/graphql-client";
import { startPrivateRedis } from "../support/private-servers";
import { scratchDatabase } from "../support/records-db";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { adminUser, enrolledUser, loginWithMfa, PASSWORD } from "../support/users";

/**
 * Issue 28 row 3: Redis restored from an older snapshot revived a logged-out session, a disabled account's token
 * and lost a lock; restarted empty it lost every lock. With the store generation kept in PostgreSQL the gateway
 * notices (on reconnect), wipes the stale store (every earlier session must sign in again), and takes locks and
 * disables from PostgreSQL.
 */
let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let db: Awaited<ReturnType<typeof scratchDatabase>>;
let gw: TestGateway;

beforeAll(async () => {
  redis = await startPrivateRedis();
  db = await scratchDatabase();
  const defaults = loadConfig({});
  gw = await startTestGateway({
    settings: {
      redisUrl: redis.url,
      redisKeyPrefix: "gw:",
      database: { url: db.url, schema: "gateway", statementTimeoutMs: 10_000, generationCheckSeconds: 3600 },
      policy: { ...defaults.policy, rateLimitIpPerMinute: 0, rateLimitAccountPerMinute: 0, rateLimitUserPerMinute: 0, lockoutDurationSeconds: 0 },
    },
  });
});
afterAll(async () => {
  await gw.close();
  await redis.stop();
  await db.drop();
});

const me = (token: string) => gw.run(MeDocument, {}, { token });
/** The gateway noticed the restart and checked the store's generation (until then it answers 503). */
const storeVerifiedAgain = () => waitFor(() => (gw.store as TieredStore).isVerified, "the gateway checked the restarted store", 30_000);

it("a Redis restarted from an older snapshot does not revive a logout, a disabled account's token or a lost lock", async () => {
  const admin = await adminUser(gw);
  const loggedOut = await enrolledUser(gw);
  const disabled = await enrolledUser(gw);
  const bystander = await enrolledUser(gw);
  const locked = await enrolledUser(gw);
  const disabledSub = dataOf(await me(disabled.accessToken)).me.sub;

  expect(await redis.command("SAVE")).toBe("OK");
  dataOf(await gw.run(LogoutDocument, { refreshToken: loggedOut.refreshToken }, { token: loggedOut.accessToken }));
  dataOf(await gw.run(AdminDisableUserDocument, { userId: disabledSub }, { token: admin.accessToken }));
  for (let i = 0; i < 5; i++) errorOf(await gw.run(LoginDocument, { email: locked.email, password: "Wrong-Passw0rd-!!" }));
  expect(errorOf(await me(loggedOut.accessToken)).extensions.code).toBe("UNAUTHENTICATED");

  // Redis dies and comes back from the snapshot taken before the logout, the disable and the lock.
  await redis.kill();
  await redis.start();
  await storeVerifiedAgain();

  expect(errorOf(await me(loggedOut.accessToken)).extensions.code).toBe("UNAUTHENTICATED");
  expect(errorOf(await me(disabled.accessToken)).extensions.code).toBe("UNAUTHENTICATED");
  expect(errorOf(await gw.run(LoginDocument, { email: locked.email, password: PASSWORD })).extensions.code).toBe("ACCOUNT_LOCKED");
  expect(errorOf(await gw.run(LoginDocument, { email: disabled.email, password: PASSWORD })).extensions.code).toBe("INVALID_CREDENTIALS");
  // Fail closed: every session made before the snapshot's restore must sign in again; signing in works.
  expect(errorOf(await me(bystander.accessToken)).extensions.code).toBe("UNAUTHENTICATED");
  const again = (await loginWithMfa(gw, bystander)).tokens!;
  expect(dataOf(await me(again.accessToken)).me.email).toBe(bystander.email);

  // Restarted empty (no snapshot at all): sessions refused, locks kept.
  await redis.kill();
  rmSync(join(redis.dir, "dump.rdb"), { force: true });
  await redis.start();
  await storeVerifiedAgain();
  await waitFor(async () => (await me(again.accessToken)).errors?.[0]?.extensions.code !== "SERVICE_UNAVAILABLE", "the store answers again", 30_000);
  expect(errorOf(await me(again.accessToken)).extensions.code).toBe("UNAUTHENTICATED");
  expect(errorOf(await gw.run(LoginDocument, { email: locked.email, password: PASSWORD })).extensions.code).toBe("ACCOUNT_LOCKED");
  expect(errorOf(await gw.run(LoginDocument, { email: disabled.email, password: PASSWORD })).extensions.code).toBe("INVALID_CREDENTIALS");
});

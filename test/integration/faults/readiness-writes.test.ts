import { openPostgresSink } from "../../../src/audit/postgres/open-postgres";
import { systemClock } from "../../../src/shared/clock";
import { RedisStore } from "../../../src/store/redis-store";
import { LoginDocument } from "../../generated/graphql";
import { auditDb, gatewayRole } from "../../support/audit-db";
import { errorOf } from "../../support/graphql-client";
import { startPrivateRedis } from "../../support/private-redis";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { enrolledUser, PASSWORD } from "../../support/users";

type Readiness = { status: number; checks: Record<string, string> };
const readiness = async (gw: TestGateway): Promise<Readiness> => {
  const response = await fetch(gw.url.replace("/graphql", "/readyz"));
  return { status: response.status, checks: ((await response.json()) as { checks: Record<string, string> }).checks };
};

/** Issue 28 row 6: /readyz follows each dependency's last write, not only whether it answers a probe. */
describe("readiness when a dependency answers but refuses writes", () => {
  it("Redis at maxmemory with noeviction: not ready while writes are refused, ready again once they go through", async () => {
    const redis = await startPrivateRedis(["--maxmemory", "4mb", "--maxmemory-policy", "noeviction"]);
    const store = new RedisStore({ url: redis.url, keyPrefix: "gw:" });
    const gw = await startTestGateway({ store });
    try {
      const user = await enrolledUser(gw);
      expect((await readiness(gw)).status).toBe(200);
      // Filled up to maxmemory, in big then small steps, until even a small write is refused (OOM).
      for (const size of [64 * 1024, 1024, 16]) {
        for (let i = 0; ; i += 1) {
          const refused = await redis.admin.set(`filler:${size}:${i}`, "x".repeat(size)).then(() => false, () => true);
          if (refused) break;
        }
      }
      expect(errorOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      expect(await readiness(gw)).toEqual({ status: 503, checks: expect.objectContaining({ store: "unavailable" }) });
      await redis.admin.flushall(); // the private server only
      expect(await readiness(gw)).toEqual({ status: 200, checks: expect.objectContaining({ store: "ok" }) });
    } finally {
      await gw.close();
      await store.close();
      await redis.stop();
    }
  });

  it("PostgreSQL refusing the audit inserts (the role lost INSERT): not ready until a write goes through again", async () => {
    const db = auditDb({ writeTimeoutMs: 5000 });
    await (await openPostgresSink(db.settings, systemClock)).close(); // migrated by the owner
    const role = await gatewayRole(db);
    const sink = await openPostgresSink({ ...db.settings, url: role.url }, systemClock);
    const gw = await startTestGateway({ auditSink: sink });
    const events = `"${db.settings.schema}".audit_events`;
    try {
      const user = await enrolledUser(gw);
      expect((await readiness(gw)).status).toBe(200);
      await db.admin.query(`REVOKE INSERT ON ${events} FROM ${role.name}`);
      expect(errorOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", reason: "AUDIT_UNAVAILABLE" });
      expect(await readiness(gw)).toEqual({ status: 503, checks: expect.objectContaining({ auditSink: "unavailable" }) });
      await db.admin.query(`GRANT INSERT ON ${events} TO ${role.name}`);
      expect(await readiness(gw)).toEqual({ status: 200, checks: expect.objectContaining({ auditSink: "ok" }) });
    } finally {
      await gw.close();
      await role.drop();
      await db.drop();
    }
  });
});

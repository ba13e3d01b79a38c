import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { openDurableTier, type DurableTier } from "../../src/db/durable-tier";
import { silentLogger } from "../../src/shared/logger";
import { RedisStore } from "../../src/store/redis-store";
import { recordsDb, type RecordsDb } from "../support/records-db";

/**
 * A rolling upgrade to the `<prefix>|<name>` key layout: for a while the release before (keys `<prefix><name>`,
 * its store-generation marker at `<prefix>store-generation`) and this one run side by side on one Redis and one
 * database. The release before is reproduced here as it was: its check compares its marker with PostgreSQL's
 * generation and, when behind or emptied, deletes every key under `<prefix>` (this release's too) and advances.
 * Found by review: without a shared marker each side's advances left the other's marker behind, so every check
 * (every 30 s) and every logout on one side ended every session of both, and reset the limiter and lockout
 * counters, for the whole rollout.
 */
const deployment = `authgw-rolling:${randomUUID()}:`;
const redis = new Redis("redis://127.0.0.1:6379");
let db: RecordsDb;
let tier: DurableTier;
let store: RedisStore;

/** The release before, on the same Redis and schema: its marker, its advance, its check. */
const previousRelease = () => {
  const markerKey = `${deployment}store-generation`;
  const table = () => `"${db.schema}".store_generation`;
  const advance = async () => {
    const { rows } = await db.pool.query<{ n: string }>(`SELECT nextval('"${db.schema}".store_generation_numbers') AS n`);
    const generation = Number(rows[0]?.n);
    await redis.multi().lpush(markerKey, String(generation)).ltrim(markerKey, 0, 15).expire(markerKey, 3600).exec();
    await db.pool.query(`UPDATE ${table()} SET generation = GREATEST(generation, $1), changed_at = now() WHERE id = 1`, [generation]);
  };
  const check = async (): Promise<"CURRENT" | "WIPED"> => {
    const { rows } = await db.pool.query<{ generation: string }>(`SELECT generation FROM ${table()} WHERE id = 1`);
    const recorded = Number(rows[0]?.generation ?? 0);
    const entries = await redis.lrange(markerKey, 0, -1);
    const current = entries.length > 0 && Math.max(...entries.map(Number)) >= recorded;
    if (!current) {
      const keys = await redis.keys(`${deployment}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    await advance();
    return current ? "CURRENT" : "WIPED";
  };
  return { advance, check, session: (name: string) => redis.set(`${deployment}session:${name}`, "live", "EX", 3600) };
};

beforeAll(async () => {
  db = await recordsDb();
});
afterAll(async () => {
  await tier.close();
  await db.drop();
  const keys = await redis.keys(`${deployment}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe("ATTACK: a rolling upgrade runs the release before and this one on one Redis", () => {
  it("neither finds the other's advances behind: no wipe on either side, sessions of both layouts survive", async () => {
    const before = previousRelease();
    expect(await before.check()).toBe("WIPED"); // its first start on an empty Redis
    await before.session("old-user");

    // This release starts beside it (same prefix, same schema).
    store = new RedisStore({ url: "redis://127.0.0.1:6379", keyPrefix: deployment });
    tier = await openDurableTier({ url: db.url, schema: db.schema, statementTimeoutMs: 10_000, generationCheckSeconds: 3600 }, store, silentLogger);
    expect(await tier.verifyStore()).toBe("CURRENT");
    await store.set("session:new-user", "live", 3600);

    // A logout on this release (an advance), then the release before checks, as it does every 30 s.
    await tier.generation.advance();
    expect(await before.check()).toBe("CURRENT");
    expect(await store.get("session:new-user")).toBe("live");

    // A logout on the release before, then this release checks.
    await before.advance();
    expect(await tier.verifyStore()).toBe("CURRENT");
    expect(await redis.get(`${deployment}session:old-user`)).toBe("live");
    expect(await store.get("session:new-user")).toBe("live");
  });
});

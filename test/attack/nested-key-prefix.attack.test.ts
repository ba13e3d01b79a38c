import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { openDurableTier, type DurableTier } from "../../src/db/durable-tier";
import { silentLogger } from "../../src/shared/logger";
import { RedisStore } from "../../src/store/redis-store";
import { recordsDb, type RecordsDb } from "../support/records-db";

/**
 * Two deployments on one Redis whose REDIS_KEY_PREFIX nest (`<run>:` for production, `<run>:eu:` for another
 * region or a staging copy). A stale-store check of one of them wipes its store, and the wipe is the fail-closed
 * answer: every session of *that* deployment ends. It must not end the other deployment's sessions (a staging
 * restart from an old snapshot signing out every production user), whichever of the two is stale.
 */
const outer = `authgw-nested:${randomUUID()}:`;
const inner = `${outer}eu:`;
const redis = new Redis("redis://127.0.0.1:6379");
let db: RecordsDb;
const opened: { tier: DurableTier; store: RedisStore }[] = [];

/** A deployment's durable tier over its own prefix, checked once as at start-up (an empty store: wiped). */
const deployment = async (prefix: string) => {
  const store = new RedisStore({ url: "redis://127.0.0.1:6379", keyPrefix: prefix });
  const tier = await openDurableTier({ url: db.url, schema: `${db.schema}_${opened.length}`, statementTimeoutMs: 10_000, generationCheckSeconds: 3600 }, store, silentLogger);
  opened.push({ tier, store });
  return { store, tier };
};

beforeAll(async () => {
  db = await recordsDb();
});
afterAll(async () => {
  for (const { tier } of opened) await tier.close();
  for (let i = 0; i < opened.length; i++) await db.pool.query(`DROP SCHEMA IF EXISTS "${db.schema}_${i}" CASCADE`);
  await db.drop();
  const keys = await redis.keys(`${outer}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe("ATTACK: a stale-store wipe of one deployment against another whose key prefix nests in it", () => {
  it("the outer deployment's wipe leaves the inner one's sessions, and the inner one's leaves the outer's", async () => {
    const a = await deployment(outer);
    const b = await deployment(inner);
    await a.store.set("session:outer-user", "live", 3600);
    await b.store.set("session:inner-user", "live", 3600);

    // Each deployment finds its store emptied (its generation marker deleted) and wipes it.
    await a.store.delete("store-generation");
    expect(await a.tier.verifyStore()).toBe("EMPTIED");
    expect(await a.store.get("session:outer-user")).toBeUndefined();
    expect(await b.store.get("session:inner-user")).toBe("live");

    await a.store.set("session:outer-user", "live again", 3600);
    await b.store.delete("store-generation");
    expect(await b.tier.verifyStore()).toBe("EMPTIED");
    expect(await b.store.get("session:inner-user")).toBeUndefined();
    expect(await a.store.get("session:outer-user")).toBe("live again");
    // And neither deployment lost its generation marker to the other's wipe.
    expect(await a.tier.verifyStore()).toBe("CURRENT");
    expect(await b.tier.verifyStore()).toBe("CURRENT");
  });
});

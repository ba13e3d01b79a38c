import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { openDurableTier, type DurableTier } from "../../src/db/durable-tier";
import { silentLogger } from "../../src/shared/logger";
import { RedisStore } from "../../src/store/redis-store";
import { recordsDb, type RecordsDb } from "../support/records-db";

/**
 * REDIS_KEY_PREFIX changed in a rolling deployment (or the Redis behind a deployment brought back under another
 * prefix): for the rollout the tasks on the old prefix and those on the new one serve the same users from one
 * Redis and one PostgreSQL schema. The store generation lives in one row of that schema, and each side's marker
 * lives under its own prefix. The layout change of 2026-12-07 was made safe for exactly this (rolling-upgrade-
 * key-layout); a prefix change is the same situation. Does one side's logout or periodic check make the other
 * side's store look behind, so that it wipes every session (and every limiter and lockout counter) of its own?
 */
const oldPrefix = `authgw-rename-old:${randomUUID()}:`;
const newPrefix = `authgw-rename-new:${randomUUID()}:`;
const redis = new Redis("redis://127.0.0.1:6379");
let db: RecordsDb;
const tiers: DurableTier[] = [];

const side = async (prefix: string) => {
  const store = new RedisStore({ url: "redis://127.0.0.1:6379", keyPrefix: prefix });
  const tier = await openDurableTier({ url: db.url, schema: db.schema, statementTimeoutMs: 10_000, generationCheckSeconds: 3600 }, store, silentLogger);
  tiers.push(tier);
  await tier.verifyStore(); // the start-up check (an empty store under a new prefix is wiped, as documented)
  return { store, tier };
};

beforeAll(async () => {
  db = await recordsDb();
});
afterAll(async () => {
  for (const tier of tiers) await tier.close();
  await db.drop();
  for (const prefix of [oldPrefix, newPrefix]) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
});

describe("ATTACK: a REDIS_KEY_PREFIX change rolled out over one Redis and one PostgreSQL schema", () => {
  it("a logout on one side never wipes the sessions of the other", async () => {
    const old = await side(oldPrefix);
    await old.store.set("session:patient-on-old-task", "live", 3600);
    const renamed = await side(newPrefix);
    await renamed.store.set("session:patient-on-new-task", "live", 3600);

    // A logout on the new tasks (an advance), then the old tasks' periodic check.
    await renamed.tier.generation.advance();
    const oldSide = { verdict: await old.tier.verifyStore(), session: await old.store.get("session:patient-on-old-task") };

    // And the other way round.
    await old.store.set("session:patient-on-old-task", "live", 3600);
    await old.tier.generation.advance();
    const newSide = { verdict: await renamed.tier.verifyStore(), session: await renamed.store.get("session:patient-on-new-task") };

    expect({ oldSide, newSide }).toEqual({ oldSide: { verdict: "CURRENT", session: "live" }, newSide: { verdict: "CURRENT", session: "live" } });
  });
});

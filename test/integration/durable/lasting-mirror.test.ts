import { flagsKey } from "../../../src/auth/account-records";
import { mirrorEpochKey, mirrorMaxSeconds } from "../../../src/db/lasting-mirror";
import { PostgresRecordStore } from "../../../src/db/postgres-record-store";
import { TieredStore } from "../../../src/db/tiered-store";
import { lockedSubKey } from "../../../src/policy/lockout";
import type { RedisStore } from "../../../src/store/redis-store";
import { recordsDb, type RecordsDb } from "../../support/records-db";
import { testRedisStore } from "../../support/test-gateway";

/**
 * The per-request lasting reads (flags, locks) come from a copy in Redis, not from PostgreSQL — and a
 * lasting write made through any instance is seen by every instance's next request.
 */
describe("the lasting records' mirror in the ephemeral store", () => {
  let db: RecordsDb;
  let redis: RedisStore;
  /** PostgreSQL statements the instances sent (a counting view of the one pool). */
  let statements: number;
  const instance = (lasting = new PostgresRecordStore({ pool: { query: ((...args: Parameters<RecordsDb["pool"]["query"]>) => {
    statements++;
    return db.pool.query(...args);
  }) as RecordsDb["pool"]["query"] }, schema: db.schema })) => {
    const store = new TieredStore({ ephemeral: redis, lasting });
    store.setVerified(true);
    return store;
  };
  const sub = "mirror-sub";
  const keys = ["session:x", flagsKey(sub), lockedSubKey(sub)];

  beforeEach(async () => {
    db = await recordsDb();
    redis = testRedisStore();
    statements = 0;
  });
  afterEach(async () => {
    await redis.clearPrefix();
    await redis.close();
    await db.drop();
  });

  it("answers a repeated per-request read from Redis alone", async () => {
    const a = instance();
    await a.set(flagsKey(sub), '{"disabled":false}', 3600);
    expect(await a.getMany(keys)).toEqual([undefined, '{"disabled":false}', undefined]);
    const before = statements;
    expect(await a.getMany(keys)).toEqual([undefined, '{"disabled":false}', undefined]);
    expect(statements).toBe(before);
  });

  it("shows a write made through another instance on the next read (disable, then lock)", async () => {
    const a = instance();
    const b = instance();
    await a.set(flagsKey(sub), '{"disabled":false}', 3600);
    await a.getMany(keys);
    await a.getMany(keys);
    await b.set(flagsKey(sub), '{"disabled":true}', 3600);
    expect(await a.getMany(keys)).toEqual([undefined, '{"disabled":true}', undefined]);
    await b.set(lockedSubKey(sub), "1", 900);
    expect((await a.getMany(keys))[2]).toBe("1");
    await b.delete(lockedSubKey(sub));
    expect((await a.getMany(keys))[2]).toBeUndefined();
  });

  it("never keeps a copy read before a write that finished while the read was under way", async () => {
    const real = new PostgresRecordStore({ pool: db.pool, schema: db.schema });
    let release: (() => void) | undefined;
    let reached: (() => void) | undefined;
    const paused = new Promise<void>((resolve) => (release = resolve));
    const readDone = new Promise<void>((resolve) => (reached = resolve));
    // The reader's PostgreSQL answer (old) arrives only after the writer's change is committed.
    const slowReader = Object.assign(Object.create(real) as PostgresRecordStore, {
      getManyWithLife: async (wanted: readonly string[]) => {
        const answer = await real.getManyWithLife(wanted);
        reached!();
        await paused;
        return answer;
      },
    });
    const writer = instance();
    await writer.set(flagsKey(sub), '{"disabled":false}', 3600);
    const reader = instance(slowReader);
    const stale = reader.getMany(keys);
    await readDone;
    await writer.set(flagsKey(sub), '{"disabled":true}', 3600);
    release!();
    expect((await stale)[1]).toBe('{"disabled":false}');
    // The copy the slow read left behind carries the epoch from before the write: it never counts.
    expect((await instance().getMany(keys))[1]).toBe('{"disabled":true}');
    expect((await reader.getMany(keys))[1]).toBe('{"disabled":true}');
  });

  it("keeps a copy no longer than its record lives (a timed lock), nor than the mirror's bound", async () => {
    const a = instance();
    await a.set(lockedSubKey(sub), "1", 5);
    await a.set(flagsKey(sub), "{}", 3600);
    await a.getMany(keys);
    const lockCopy = await redis.client.pttl(`lasting-mirror:${lockedSubKey(sub)}`);
    const flagsCopy = await redis.client.pttl(`lasting-mirror:${flagsKey(sub)}`);
    expect(lockCopy).toBeGreaterThan(0);
    expect(lockCopy).toBeLessThanOrEqual(5000);
    expect(flagsCopy).toBeGreaterThan(5000);
    expect(flagsCopy).toBeLessThanOrEqual(mirrorMaxSeconds * 1000);
  });

  it("starts again from a fresh epoch when the ephemeral store was emptied (its copies went with it)", async () => {
    const a = instance();
    await a.set(flagsKey(sub), '{"disabled":false}', 3600);
    await a.getMany(keys);
    await redis.clearPrefix();
    await new PostgresRecordStore({ pool: db.pool, schema: db.schema }).set(flagsKey(sub), '{"disabled":true}', 3600);
    expect((await a.getMany(keys))[1]).toBe('{"disabled":true}');
    expect(await redis.get(mirrorEpochKey)).toBeDefined();
  });
});

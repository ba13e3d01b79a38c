import { MemoryStore } from "../../src/store/memory-store";
import type { StateStore } from "../../src/store/state-store";
import type { RedisStore } from "../../src/store/redis-store";
import { FakeClock } from "../fakes/fake-clock";
import { testRedisStore } from "../support/test-gateway";
import { PostgresRecordStore } from "../../src/db/postgres-record-store";
import { TieredStore } from "../../src/db/tiered-store";
import { recordsDb } from "../support/records-db";

/**
 * One contract, two implementations: whatever the gateway relies on must hold for both.
 * `expiresIn(key, seconds)` checks that a key dies `seconds` from now without sleeping: the memory store
 * runs on an injected clock; Redis keeps its own clock, so its stored TTL is read instead.
 */
type Subject = { store: StateStore; expiresIn(key: string, seconds: number): Promise<void>; cleanup(): Promise<void> };

const memory = (): Subject => {
  const clock = new FakeClock();
  const store = new MemoryStore(clock, 0);
  const present = async (key: string) => (await store.get(key)) !== undefined || (await store.members(key)).length > 0;
  return {
    store,
    expiresIn: async (key, seconds) => {
      clock.advanceSeconds(seconds - 1);
      expect(await present(key)).toBe(true);
      clock.advanceSeconds(1);
      expect(await present(key)).toBe(false);
    },
    cleanup: () => store.close(),
  };
};

const redis = (): Subject => {
  const store: RedisStore = testRedisStore();
  return {
    store,
    expiresIn: async (key, seconds) => {
      const ttl = await store.client.pttl(key);
      expect(ttl).toBeGreaterThan((seconds - 1) * 1000);
      expect(ttl).toBeLessThanOrEqual(seconds * 1000);
    },
    cleanup: async () => {
      await store.clearPrefix();
      await store.close();
    },
  };
};

/**
 * The PostgreSQL tier only takes keys of lasting record kinds: the cases run under one kind's prefix (the
 * prefix is added on the way in and is invisible to the cases).
 */
const underPrefix = (store: StateStore, prefix: string): StateStore => {
  const k = (key: string) => `${prefix}${key}`;
  return {
    get: (key) => store.get(k(key)),
    getMany: (keys) => store.getMany(keys.map(k)),
    set: (key, value, ttl) => store.set(k(key), value, ttl),
    setIfAbsent: (key, value, ttl) => store.setIfAbsent(k(key), value, ttl),
    replaceIf: (key, expected, next, ttl) => store.replaceIf(k(key), expected, next, ttl),
    take: (key) => store.take(k(key)),
    delete: (key) => store.delete(k(key)),
    increment: (key, by, ttl) => store.increment(k(key), by, ttl),
    pushBounded: (key, value, max, ttl) => store.pushBounded(k(key), value, max, ttl),
    list: (key) => store.list(k(key)),
    addToSet: (key, member, ttl) => store.addToSet(k(key), member, ttl),
    removeFromSet: (key, member) => store.removeFromSet(k(key), member),
    members: (key) => store.members(k(key)),
    ping: () => store.ping(),
    close: () => store.close(),
  };
};

/** PostgreSQL keeps its own clock, like Redis: the stored expiry is read instead. */
const postgresSubject = async (wrap: (lasting: PostgresRecordStore) => StateStore): Promise<Subject> => {
  const db = await recordsDb();
  const prefix = "account-flags:";
  return {
    store: underPrefix(wrap(new PostgresRecordStore({ pool: db.pool, schema: db.schema })), prefix),
    expiresIn: async (key, seconds) => {
      const { rows } = await db.pool.query<{ ms: number }>(
        `SELECT max(extract(epoch FROM expires_at - now()) * 1000)::float8 AS ms FROM "${db.schema}".account_flags WHERE key = $1`,
        [`${prefix}${key}`],
      );
      const ms = rows[0]?.ms ?? 0;
      expect(ms).toBeGreaterThan((seconds - 1) * 1000);
      expect(ms).toBeLessThanOrEqual(seconds * 1000);
    },
    cleanup: () => db.drop(),
  };
};

const postgres = (): Promise<Subject> => postgresSubject((lasting) => lasting);

/** The tiered store as the gateway composes it: lasting keys through to PostgreSQL. */
const tiered = (): Promise<Subject> =>
  postgresSubject((lasting) => {
    const store = new TieredStore({ ephemeral: new MemoryStore(new FakeClock(), 0), lasting });
    store.setVerified(true);
    return store;
  });

describe.each([
  ["memory", memory],
  ["redis", redis],
  ["postgres", postgres],
  ["tiered (postgres tier)", tiered],
])("StateStore contract: %s", (_name, make) => {
  let subject: Subject;
  beforeEach(async () => {
    subject = await make();
  });
  afterEach(() => subject.cleanup());

  it("sets, gets and deletes", async () => {
    const { store } = subject;
    await store.set("a", "1", 60);
    expect(await store.get("a")).toBe("1");
    await store.delete("a");
    expect(await store.get("a")).toBeUndefined();
  });

  it("reads several keys in one call, in order, with undefined for the missing", async () => {
    const { store } = subject;
    await store.set("k1", "v1", 60);
    await store.set("k3", "v3", 60);
    expect(await store.getMany(["k1", "k2", "k3"])).toEqual(["v1", undefined, "v3"]);
    expect(await store.getMany([])).toEqual([]);
  });

  it("reads asked for together each get their own keys", async () => {
    const { store } = subject;
    await store.set("k1", "v1", 60);
    await store.set("k2", "v2", 60);
    const [first, second, third] = await Promise.all([store.getMany(["k1", "k2", "gone"]), store.getMany(["k2"]), store.getMany(["gone", "k1"])]);
    expect(first).toEqual(["v1", "v2", undefined]);
    expect(second).toEqual(["v2"]);
    expect(third).toEqual([undefined, "v1"]);
  });

  it("writes only when absent", async () => {
    const { store } = subject;
    expect(await store.setIfAbsent("once", "first", 60)).toBe(true);
    expect(await store.setIfAbsent("once", "second", 60)).toBe(false);
    expect(await store.get("once")).toBe("first");
  });

  it("replaces a value only while it holds the expected one (compare-and-set), and deletes the same way", async () => {
    const { store } = subject;
    expect(await store.replaceIf("cas", "v0", "v1", 60)).toBe(false);
    expect(await store.get("cas")).toBeUndefined();
    expect(await store.replaceIf("cas", undefined, "v1", 60)).toBe(true);
    expect(await store.replaceIf("cas", undefined, "other", 60)).toBe(false);
    expect(await store.replaceIf("cas", "v0", "v2", 60)).toBe(false);
    expect(await store.get("cas")).toBe("v1");
    expect(await store.replaceIf("cas", "v1", "v2", 40)).toBe(true);
    expect(await store.get("cas")).toBe("v2");
    await subject.expiresIn("cas", 40);
    await store.set("gone", "v", 60);
    expect(await store.replaceIf("gone", "x", undefined, 60)).toBe(false);
    expect(await store.replaceIf("gone", "v", undefined, 60)).toBe(true);
    expect(await store.get("gone")).toBeUndefined();
  });

  it("lets exactly one of many concurrent compare-and-sets from the same value win", async () => {
    const { store } = subject;
    await store.set("cas-race", "start", 60);
    const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => store.replaceIf("cas-race", "start", `by-${i}`, 60)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await store.get("cas-race")).toBe(`by-${wins.indexOf(true)}`);
  });

  it("hands a taken value to exactly one of many concurrent takers", async () => {
    const { store } = subject;
    await store.set("handle", "secret-state", 60);
    const results = await Promise.all(Array.from({ length: 20 }, () => store.take("handle")));
    expect(results.filter((r) => r === "secret-state")).toHaveLength(1);
    expect(await store.get("handle")).toBeUndefined();
  });

  it("lets exactly one of many concurrent setIfAbsent calls win", async () => {
    const { store } = subject;
    const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => store.setIfAbsent("race", String(i), 60)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it("expires entries after their TTL", async () => {
    const { store } = subject;
    await store.set("plain", "x", 30);
    await subject.expiresIn("plain", 30);
    await store.setIfAbsent("nx", "x", 20);
    await subject.expiresIn("nx", 20);
  });

  it("keeps sets: add is idempotent, remove drops one member, a missing set is empty", async () => {
    const { store } = subject;
    expect(await store.members("s")).toEqual([]);
    await Promise.all(["a", "b", "c", "a"].map((m) => store.addToSet("s", m, 60)));
    expect((await store.members("s")).sort()).toEqual(["a", "b", "c"]);
    await store.removeFromSet("s", "b");
    await store.removeFromSet("missing", "x");
    expect((await store.members("s")).sort()).toEqual(["a", "c"]);
  });

  it("keeps every member of 30 concurrent adds to one set", async () => {
    const { store } = subject;
    const members = Array.from({ length: 30 }, (_, i) => `m${i}`);
    await Promise.all(members.map((m) => store.addToSet("busy", m, 60)));
    expect((await store.members("busy")).sort()).toEqual([...members].sort());
  });

  it("expires a set with its TTL, renewed by each add", async () => {
    const { store } = subject;
    await store.addToSet("s", "x", 10);
    await store.addToSet("s", "y", 40);
    await subject.expiresIn("s", 40);
  });

  it("increments atomically: 50 concurrent increments give 1…50, each once", async () => {
    const { store } = subject;
    const values = await Promise.all(Array.from({ length: 50 }, () => store.increment("counter", 1, 60)));
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await store.increment("counter", -10, 60)).toBe(40);
  });

  it("gives a counter its TTL when it is created, not on every increment", async () => {
    const { store } = subject;
    await store.increment("window", 1, 30);
    await store.increment("window", 1, 600);
    await subject.expiresIn("window", 30);
  });

  it("keeps a bounded list, newest first", async () => {
    const { store } = subject;
    expect(await store.list("history")).toEqual([]);
    for (const value of ["a", "b", "c", "d"]) await store.pushBounded("history", value, 3, 60);
    expect(await store.list("history")).toEqual(["d", "c", "b"]);
  });

  it("refuses a TTL that is not a positive whole number of seconds", async () => {
    await expect(subject.store.set("bad", "x", 0)).rejects.toThrow(RangeError);
    await expect(subject.store.set("bad", "x", 1.5)).rejects.toThrow(RangeError);
  });

  it("answers ping", async () => {
    await expect(subject.store.ping()).resolves.toBeUndefined();
  });
});

// One connection, one order: what a caller issues first, Redis (or the map) applies first — reads that share an MGET too.
describe.each([
  ["memory", memory],
  ["redis", redis],
])("StateStore issue order: %s", (_name, make) => {
  let subject: Subject;
  beforeEach(() => {
    subject = make();
  });
  afterEach(() => subject.cleanup());

  it("a read issued before a write in the same tick does not see it; one issued after does", async () => {
    const { store } = subject;
    await store.set("k1", "v1", 60);
    await store.set("k2", "v2", 60);
    const before = store.getMany(["k1", "k2"]);
    const write = store.set("k2", "changed", 60);
    const after = store.getMany(["k2", "k1"]);
    await write;
    expect(await before).toEqual(["v1", "v2"]);
    expect(await after).toEqual(["changed", "v1"]);
  });
});

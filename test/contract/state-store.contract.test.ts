import { MemoryStore } from "../../src/store/memory-store";
import type { StateStore } from "../../src/store/state-store";
import type { RedisStore } from "../../src/store/redis-store";
import { FakeClock } from "../fakes/fake-clock";
import { testRedisStore } from "../support/test-gateway";

/** One contract, two implementations: whatever the gateway relies on must hold for both. */
type Subject = { store: StateStore; expire(seconds: number): Promise<void>; cleanup(): Promise<void> };

const memory = (): Subject => {
  const clock = new FakeClock();
  const store = new MemoryStore(clock, 0);
  return { store, expire: async (s) => clock.advanceSeconds(s), cleanup: () => store.close() };
};

const redis = (): Subject => {
  const store: RedisStore = testRedisStore();
  // Redis expires on its own clock: TTL tests use 1 s keys and wait for them (the only real wait in the suite).
  return {
    store,
    expire: (s) => new Promise((r) => setTimeout(r, s * 1000 + 100)),
    cleanup: async () => {
      await store.clearPrefix();
      await store.close();
    },
  };
};

describe.each([
  ["memory", memory],
  ["redis", redis],
])("StateStore contract: %s", (_name, make) => {
  let subject: Subject;
  beforeEach(() => {
    subject = make();
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

  it("writes only when absent", async () => {
    const { store } = subject;
    expect(await store.setIfAbsent("once", "first", 60)).toBe(true);
    expect(await store.setIfAbsent("once", "second", 60)).toBe(false);
    expect(await store.get("once")).toBe("first");
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
    await store.set("short", "x", 1);
    await store.setIfAbsent("short-nx", "x", 1);
    await store.set("long", "y", 60);
    await subject.expire(1);
    expect(await store.getMany(["short", "short-nx", "long"])).toEqual([undefined, undefined, "y"]);
    expect(await store.take("short")).toBeUndefined();
    expect(await store.setIfAbsent("short-nx", "again", 1)).toBe(true);
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

  it("expires a set with its TTL, renewed by each add", async () => {
    const { store } = subject;
    await store.addToSet("gone", "x", 1);
    await store.addToSet("kept", "y", 60);
    await subject.expire(1);
    expect(await store.members("gone")).toEqual([]);
    expect(await store.members("kept")).toEqual(["y"]);
  });

  it("refuses a TTL that is not a positive whole number of seconds", async () => {
    await expect(subject.store.set("bad", "x", 0)).rejects.toThrow(RangeError);
    await expect(subject.store.set("bad", "x", 1.5)).rejects.toThrow(RangeError);
  });

  it("answers ping", async () => {
    await expect(subject.store.ping()).resolves.toBeUndefined();
  });
});

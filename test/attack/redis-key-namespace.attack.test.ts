import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { loadConfig } from "../../src/config";
import { consumeOrRefuse, createLimiter } from "../../src/policy/address-limiter";
import { RedisStore } from "../../src/store/redis-store";

/**
 * Attack (keys are `<REDIS_KEY_PREFIX>|<name>`), with an operator's view of Redis. The parts of a name a client
 * chooses (an address in a limiter key, an id, a code) are given the worst characters for the layout: the
 * separator, SCAN's glob characters, a newline. No key may leave `<prefix>|`, and one deployment's wipe may not
 * reach another's keys, even when their prefixes nest.
 */
const run = `authgw-ns:${randomUUID()}:`;
const raw = new Redis("redis://127.0.0.1:6379");
const outer = new RedisStore({ url: "redis://127.0.0.1:6379", keyPrefix: run });
const inner = new RedisStore({ url: "redis://127.0.0.1:6379", keyPrefix: `${run}eu:` });
const hostile = ["|", "x|*", "*", "?", "[a-z]*", "\\*", "eu:|session:1", "a\nb", ""];

afterAll(async () => {
  const keys = await raw.keys(`${run}*`);
  if (keys.length > 0) await raw.del(...keys);
  raw.disconnect();
  await outer.close();
  await inner.close();
});

describe("attack: client-chosen parts of Redis key names", () => {
  it("cannot widen the namespace: a prefix with the separator or a glob character is refused at start-up", () => {
    for (const prefix of ["prod|", "prod*", "prod?", "prod[", "prod\\"]) expect(() => loadConfig({ REDIS_KEY_PREFIX: prefix })).toThrow(/REDIS_KEY_PREFIX/);
    expect(() => new RedisStore({ url: "redis://127.0.0.1:6379", keyPrefix: "prod|", commandTimeoutMs: 50 })).toThrow(/cannot contain/);
  });

  it("every key, a limiter's included, stays under `<prefix>|`; a wipe of either nested deployment takes only its own", async () => {
    for (const name of hostile) {
      await outer.set(`session:${name}`, "outer", 600);
      await inner.set(`session:${name}`, "inner", 600);
    }
    for (const store of [outer, inner]) await consumeOrRefuse(createLimiter(store, "mutations-by-address", 5, 60), "x|*\n");
    const all = await raw.keys(`${run}*`);
    expect(all.filter((key) => !key.startsWith(`${run}|`) && !key.startsWith(`${run}eu:|`))).toEqual([]);
    expect(all.filter((key) => key.includes("mutations-by-address"))).toHaveLength(2);

    await inner.clearPrefix();
    expect(await Promise.all(hostile.map((name) => outer.get(`session:${name}`)))).toEqual(hostile.map(() => "outer"));
    expect((await raw.keys(`${run}eu:*`)).length).toBe(0);
    for (const name of hostile) await inner.set(`session:${name}`, "inner", 600);
    await outer.clearPrefix();
    expect(await Promise.all(hostile.map((name) => inner.get(`session:${name}`)))).toEqual(hostile.map(() => "inner"));
  });
});

import Redis from "ioredis";
import { CoalescedReads } from "./coalesced-reads";
import { assertTtl, type StateStore } from "./state-store";
import { ErrorCode, GatewayError } from "../errors/error-codes";

/** GET, compare, then SET or DEL, as one script: Redis runs it without interleaving another client's command. */
const replaceIfScript = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == 'absent' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
if ARGV[3] == 'delete' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[4], 'EX', ARGV[5]) end
return 1`;

/** Redis is the store's boundary: any failure there is the public SERVICE_UNAVAILABLE (fail closed). */
const unavailable = (error: unknown): never => {
  throw new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "STATE_STORE_UNAVAILABLE" }, undefined, error);
};

/**
 * Every key is `<keyPrefix>|<name>`. A prefix never holds "|" (REDIS_KEY_PREFIX's pattern), so no deployment's
 * keys begin with another's prefix and separator, even when the prefixes nest (`prod:` beside `prod:eu:`): a
 * stale-store wipe (`clearPrefix`) takes this deployment's keys and nobody else's.
 */
export const keySeparator = "|";

export type RedisStoreOptions = {
  url: string;
  /** Prefix for every key, so several gateways (or test runs) can share one Redis; `keySeparator` follows it. */
  keyPrefix?: string;
  /** Upper bound for one command; the store fails closed after it instead of hanging a request. */
  commandTimeoutMs?: number;
  /**
   * `legacy`: keys `<keyPrefix><name>`, as releases before the separator kept them. Only for `legacyView`, which
   * keeps the store generation's marker where such a release, running beside this one, reads it.
   */
  layout?: "separated" | "legacy";
};

/** The two list operations the store generation keeps its marker with. */
export type MarkerList = Pick<StateStore, "list" | "pushBounded" | "close">;

/** Store shared by several gateway instances. Each operation is a single atomic Redis command. */
export class RedisStore implements StateStore {
  private readonly redis: Redis;
  private readonly reads: CoalescedReads;
  /** What every key of this store begins with: the deployment's prefix and the separator. */
  readonly prefix: string;
  private readonly options: RedisStoreOptions & { keyPrefix: string };
  private legacy: RedisStore | undefined;

  constructor(options: RedisStoreOptions) {
    const deployment = options.keyPrefix ?? "authgw:";
    if (deployment.includes(keySeparator)) throw new RangeError(`A Redis key prefix cannot contain "${keySeparator}"`);
    this.prefix = options.layout === "legacy" ? deployment : `${deployment}${keySeparator}`;
    this.options = { ...options, keyPrefix: deployment };
    this.redis = new Redis(options.url, {
      keyPrefix: this.prefix,
      commandTimeout: options.commandTimeoutMs ?? 1000,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      lazyConnect: false,
    });
    // Connection errors surface on the commands that need the store; do not crash the process.
    this.redis.on("error", () => {});
    this.reads = new CoalescedReads((keys) => {
      try {
        return this.redis.mget(...keys).catch(unavailable);
      } catch (error) {
        // Thrown before it was sent: every waiter gets the store's public refusal, as for a failed send.
        return Promise.resolve().then(() => unavailable(error));
      }
    });
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.command().get(key).catch(unavailable)) ?? undefined;
  }

  /** Reads asked for in the same tick share one MGET (coalesced-reads.ts). */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    return keys.length === 0 ? Promise.resolve([]) : this.reads.read(keys);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    await this.command().set(key, value, "EX", ttlSeconds).catch(unavailable);
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    assertTtl(ttlSeconds);
    return (await this.command().set(key, value, "EX", ttlSeconds, "NX").catch(unavailable)) === "OK";
  }

  async replaceIf(key: string, expected: string | undefined, next: string | undefined, ttlSeconds: number): Promise<boolean> {
    assertTtl(ttlSeconds);
    const args = [expected === undefined ? "absent" : "equal", expected ?? "", next === undefined ? "delete" : "set", next ?? "", ttlSeconds];
    return (await this.command().eval(replaceIfScript, 1, key, ...args).catch(unavailable)) === 1;
  }

  async take(key: string): Promise<string | undefined> {
    return (await this.command().getdel(key).catch(unavailable)) ?? undefined;
  }

  async delete(key: string): Promise<void> {
    await this.command().del(key).catch(unavailable);
  }

  async increment(key: string, by: number, ttlSeconds: number): Promise<number> {
    assertTtl(ttlSeconds);
    // EXPIRE NX: only a new counter gets the TTL, so steady failures cannot keep a window open forever.
    const results = await this.command().multi().incrby(key, by).expire(key, ttlSeconds, "NX").exec().catch(unavailable);
    const [error, value] = results?.[0] ?? [new Error("no result"), null];
    if (error) unavailable(error);
    return Number(value);
  }

  async pushBounded(key: string, value: string, maxLength: number, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    await this.command().multi().lpush(key, value).ltrim(key, 0, maxLength - 1).expire(key, ttlSeconds).exec().catch(unavailable);
  }

  async list(key: string): Promise<string[]> {
    return this.command().lrange(key, 0, -1).catch(unavailable);
  }

  async addToSet(key: string, member: string, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    await this.command().multi().sadd(key, member).expire(key, ttlSeconds).exec().catch(unavailable);
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    await this.command().srem(key, member).catch(unavailable);
  }

  async members(key: string): Promise<string[]> {
    return this.command().smembers(key).catch(unavailable);
  }

  /** The client for one command, after the reads waiting in this tick went out (Redis sees the issue order). */
  private command(): Redis {
    this.reads.flush();
    return this.redis;
  }

  /** For libraries that speak Redis themselves (rate-limiter-flexible); they must use `prefix` too. */
  get client(): Redis {
    return this.redis;
  }

  /**
   * Readiness: a small real write, not a PING — a Redis at maxmemory with noeviction (or a read-only
   * replica) answers PING but refuses every write the gateway needs (sessions, handles, limiter counters).
   */
  async ping(): Promise<void> {
    await this.command().set("readiness-probe", "1", "EX", 5).catch(unavailable);
  }

  /** Removes every key under this store's prefix (tests; the durable tier when the store is stale). */
  async clearPrefix(): Promise<void> {
    const prefix = this.redis.options.keyPrefix ?? "";
    // SCAN, not KEYS: a large store must not block Redis while it is emptied. (Until now this helper sent the
    // prefixed names through `call`, which prefixed them again: it deleted nothing.)
    let cursor = "0";
    do {
      const [next, keys] = await this.command().scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000).catch(unavailable);
      cursor = next;
      // SCAN answers full names; DEL gets the prefix added again by the client, so it is taken off first.
      if (keys.length > 0) await this.command().del(...keys.map((key) => key.slice(prefix.length))).catch(unavailable);
    } while (cursor !== "0");
  }

  /**
   * The same Redis under the key layout of releases before `<prefix>|` (a connection of its own, opened on
   * first use): during a rolling upgrade both releases run on one Redis, and the store generation keeps its
   * marker in both places, so neither finds the other's advances "behind" and wipes (store-generation.ts).
   */
  /** The deployment's key prefix (REDIS_KEY_PREFIX): what names this store's keys apart from another deployment's. */
  get namespace(): string {
    return this.options.keyPrefix;
  }

  legacyView(): MarkerList {
    this.legacy ??= new RedisStore({ ...this.options, layout: "legacy" });
    return this.legacy;
  }

  async close(): Promise<void> {
    this.reads.flush();
    await this.legacy?.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

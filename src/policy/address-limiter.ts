import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import { RedisStore } from "../store/redis-store";
import type { StateStore } from "../store/state-store";

/**
 * A rate-limiter-flexible limiter over the gateway's store: in Redis when the gateway shares a Redis
 * store (every instance counts the same events), in memory otherwise.
 */
export const createLimiter = (store: StateStore, name: string, points: number, durationSeconds: number): RateLimiterAbstract =>
  store instanceof RedisStore
    ? // The client already prefixes every key with the store's prefix: the limiter adds only its name.
      new RateLimiterRedis({ storeClient: store.client, keyPrefix: name, points, duration: durationSeconds })
    : new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds });

/** Failed logins per client address, across accounts. */
export const loginFailureLimiter = (store: StateStore, points: number): RateLimiterAbstract => createLimiter(store, "login-failures-by-address", points, 15 * 60);

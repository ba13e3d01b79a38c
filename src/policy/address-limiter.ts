import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import { RedisStore } from "../store/redis-store";
import type { StateStore } from "../store/state-store";

const windowSeconds = 15 * 60;

/**
 * Failed logins per client address (rate-limiter-flexible): in Redis when the gateway shares a Redis
 * store, so every instance counts the same failures; in memory otherwise.
 */
export const loginFailureLimiter = (store: StateStore, points: number): RateLimiterAbstract =>
  store instanceof RedisStore
    ? new RateLimiterRedis({ storeClient: store.client, keyPrefix: `${store.prefix}login-failures-by-address`, points, duration: windowSeconds })
    : new RateLimiterMemory({ keyPrefix: "login-failures-by-address", points, duration: windowSeconds });

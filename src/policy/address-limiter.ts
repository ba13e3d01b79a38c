import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import { RedisStore } from "../store/redis-store";
import { ephemeralOf, type StateStore } from "../store/state-store";

/**
 * A rate-limiter-flexible limiter over the gateway's store: in Redis when the gateway shares a Redis
 * store (every instance counts the same events), in memory otherwise.
 */
export const createLimiter = (store: StateStore, name: string, points: number, durationSeconds: number): RateLimiterAbstract => {
  // Limiter counters may be lost: they live in the ephemeral tier.
  const counters = ephemeralOf(store);
  return counters instanceof RedisStore
    ? // The client already prefixes every key with the store's prefix: the limiter adds only its name.
      new RateLimiterRedis({ storeClient: counters.client, keyPrefix: name, points, duration: durationSeconds })
    : new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds });
};

/** Failed logins per client address, across accounts. */
export const loginFailureLimiter = (store: StateStore, points: number): RateLimiterAbstract => createLimiter(store, "login-failures-by-address", points, 15 * 60);

/**
 * Takes `points` for `key` before the work it guards (reserve first: concurrent callers cannot overshoot).
 * Over the limit: TOO_MANY_REQUESTS with `retryAfterSeconds`; the store failing: SERVICE_UNAVAILABLE.
 */
export const consumeOrRefuse = async (limiter: RateLimiterAbstract, key: string, points = 1): Promise<void> => {
  try {
    await limiter.consume(key, points);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw new GatewayError(ErrorCode.TOO_MANY_REQUESTS, { retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) });
    throw new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "STATE_STORE_UNAVAILABLE" }, undefined, rejection);
  }
};

import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { IMiddlewareFunction } from "graphql-middleware";
import type { GatewayContext } from "../context/gateway-context";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import { sha256 } from "../shared/digest";
import type { StateStore } from "../store/state-store";
import { createLimiter } from "./address-limiter";

type Limits = { perAddress: RateLimiterAbstract | undefined; perAccount: RateLimiterAbstract | undefined };

const tooMany = (res: RateLimiterRes) => new GatewayError(ErrorCode.TOO_MANY_REQUESTS, { retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) });

export const consume = async (limiter: RateLimiterAbstract | undefined, key: string): Promise<void> => {
  if (!limiter) return;
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw tooMany(rejection);
    throw new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "STATE_STORE_UNAVAILABLE" }, undefined, rejection);
  }
};

/** The email a mutation is about, wherever its arguments keep it. */
const emailOf = (args: Record<string, unknown>): string | undefined => {
  const direct = args["email"];
  const nested = (args["input"] as Record<string, unknown> | undefined)?.["email"];
  const email = typeof direct === "string" ? direct : typeof nested === "string" ? nested : undefined;
  return email?.trim().toLowerCase();
};

export const createRateLimits = (store: StateStore, perMinute: { address: number; account: number }): Limits => ({
  perAddress: perMinute.address > 0 ? createLimiter(store, "mutations-by-address", perMinute.address, 60) : undefined,
  perAccount: perMinute.account > 0 ? createLimiter(store, "mutations-by-account", perMinute.account, 60) : undefined,
});

/**
 * Runs before every unauthenticated mutation resolver, so each alias and each batched operation is
 * counted on its own: 100 `login` aliases are 100 attempts, never one.
 */
export const rateLimitMiddleware =
  (limits: Limits): IMiddlewareFunction<unknown, GatewayContext, Record<string, unknown>> =>
  async (resolve, parent, args, ctx, info) => {
    await consume(limits.perAddress, ctx.meta.ip ?? "unknown");
    const email = emailOf(args);
    if (email) await consume(limits.perAccount, sha256(email));
    return resolve(parent, args, ctx, info);
  };

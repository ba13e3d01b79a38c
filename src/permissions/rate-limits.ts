import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { IMiddlewareFunction } from "graphql-middleware";
import type { AggregatedRecords } from "../audit/aggregated-records";
import type { GatewayContext } from "../context/gateway-context";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import { sha256 } from "../shared/digest";
import type { StateStore } from "../store/state-store";
import { consumeOrRefuse, createLimiter } from "../policy/address-limiter";
import { normalizeEmail } from "../shared/email";

/**
 * A feature's own limit on one signed-in mutation, counted per account (its `sub`) on top of the gateway-wide
 * ones; `name` keys its counters in the store (and never changes, or running counts are lost).
 */
export type FieldLimit = { name: string; points: number; durationSeconds: number };

export type RateLimits = {
  perAddress: RateLimiterAbstract | undefined;
  perAccount: RateLimiterAbstract | undefined;
  perUser: RateLimiterAbstract | undefined;
  /** The enabled features' own limits, by mutation field. */
  perField: ReadonlyMap<string, RateLimiterAbstract>;
  refusals: Pick<AggregatedRecords, "note"> | undefined;
};

/** Takes a point before the resolver runs, when that limit is configured. */
export const consume = async (limiter: RateLimiterAbstract | undefined, key: string): Promise<void> => {
  if (limiter) await consumeOrRefuse(limiter, key);
};

/** The email a mutation is about, wherever its arguments keep it. */
const emailOf = (args: Record<string, unknown>): string | undefined => {
  const direct = args["email"];
  const nested = (args["input"] as Record<string, unknown> | undefined)?.["email"];
  const email = typeof direct === "string" ? direct : typeof nested === "string" ? nested : undefined;
  return email === undefined ? undefined : normalizeEmail(email);
};

export const createRateLimits = (
  store: StateStore,
  perMinute: { address: number; account: number; signedIn: number },
  refusals?: Pick<AggregatedRecords, "note">,
  fieldLimits: Readonly<Record<string, FieldLimit>> = {},
): RateLimits => ({
  perAddress: perMinute.address > 0 ? createLimiter(store, "mutations-by-address", perMinute.address, 60) : undefined,
  perAccount: perMinute.account > 0 ? createLimiter(store, "mutations-by-account", perMinute.account, 60) : undefined,
  perUser: perMinute.signedIn > 0 ? createLimiter(store, "mutations-by-user", perMinute.signedIn, 60) : undefined,
  perField: new Map(Object.entries(fieldLimits).map(([field, limit]) => [field, createLimiter(store, limit.name, limit.points, limit.durationSeconds)])),
  refusals,
});

/**
 * Runs before every mutation resolver, so each alias and each batched operation is counted on its own:
 * 100 `login` aliases are 100 attempts, never one. Anyone's mutations count by address and by the email
 * they name; a signed-in user's by account (and by a feature's own limit, e.g. the mail-sending ones). Refusals are audited,
 * aggregated per address and reason.
 */
export const rateLimitMiddleware =
  (limits: RateLimits, who: "anonymous" | "signedIn"): IMiddlewareFunction<unknown, GatewayContext, Record<string, unknown>> =>
  async (resolve, parent, args, ctx, info) => {
    try {
      if (who === "anonymous") {
        await consume(limits.perAddress, ctx.meta.ip ?? "unknown");
        const email = emailOf(args);
        if (email) await consume(limits.perAccount, sha256(email));
      } else if (ctx.identity) {
        await consume(limits.perUser, ctx.identity.sub);
        await consume(limits.perField.get(info.fieldName), ctx.identity.sub);
      }
    } catch (error) {
      if (error instanceof GatewayError) {
        const reason = error.code === ErrorCode.TOO_MANY_REQUESTS ? `TOO_MANY_REQUESTS:${info.fieldName}` : error.extensions["reason"] ?? error.code;
        await limits.refusals?.note(ctx.meta, { event: "RATE_LIMITED", outcome: "FAILURE", reason, target: `Mutation.${info.fieldName}`, subject: ctx.identity?.sub });
      }
      throw error;
    }
    return resolve(parent, args, ctx, info) as unknown;
  };

import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import { sha256 } from "../shared/digest";

/** Wrong emailed codes (sign-up, password reset, email change) one account may send per 15 minutes. */
export const codeFailuresPerWindow = 5;

/**
 * Emailed confirmation codes are six digits and live long (a day for sign-up): guessing them must stop
 * long before it could succeed. After `codeFailuresPerWindow` wrong codes for one account, further
 * attempts are TOO_MANY_REQUESTS until the window passes.
 */
export class CodeGuard {
  constructor(private readonly limiter: RateLimiterAbstract) {}

  async check<T>(account: string, run: () => Promise<T>): Promise<T> {
    const key = sha256(account.trim().toLowerCase());
    const state = await this.limiter.get(key);
    if (state && state.consumedPoints >= this.limiter.points) {
      throw new GatewayError(ErrorCode.TOO_MANY_REQUESTS, { retryAfterSeconds: Math.ceil(state.msBeforeNext / 1000) });
    }
    try {
      return await run();
    } catch (error) {
      if (error instanceof GatewayError && (error.code === ErrorCode.CODE_MISMATCH || error.code === ErrorCode.CODE_EXPIRED)) {
        await this.limiter.penalty(key, 1).catch((e: unknown) => (e instanceof RateLimiterRes ? undefined : Promise.reject(e)));
      }
      throw error;
    }
  }
}

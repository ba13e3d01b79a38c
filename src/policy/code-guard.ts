import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import { sha256 } from "../shared/digest";
import { consumeOrRefuse } from "./address-limiter";
import { normalizeEmail } from "../shared/email";

/** Wrong emailed codes (sign-up, password reset, email change) one account may send per 15 minutes. */
export const codeFailuresPerWindow = 5;


const isWrongCode = (error: unknown) => error instanceof GatewayError && (error.code === ErrorCode.CODE_MISMATCH || error.code === ErrorCode.CODE_EXPIRED);
/**
 * A new password found in the account's history: answered before the code can be checked (the provider checks
 * it only by spending it), so it says "this was the account's password" — it costs an attempt like a wrong code.
 */
const isHistoryHit = (error: unknown) =>
  error instanceof GatewayError && error.code === ErrorCode.PASSWORD_POLICY_VIOLATION && (error.extensions["rules"] as unknown[] | undefined)?.includes("history") === true;

/**
 * Emailed confirmation codes are six digits and live long (a day for sign-up): guessing them must stop
 * long before it could succeed. Each attempt reserves a point first (so concurrent guesses cannot
 * overshoot), and only a wrong code keeps it: after `codeFailuresPerWindow` wrong codes for one account,
 * further attempts are TOO_MANY_REQUESTS until the window passes — before any expensive work runs.
 */
export class CodeGuard {
  constructor(private readonly limiter: RateLimiterAbstract) {}

  /** Reserves an attempt; the returned function gives it back (for anything but a wrong code). */
  async reserve(account: string): Promise<() => Promise<void>> {
    const key = sha256(normalizeEmail(account));
    await consumeOrRefuse(this.limiter, key);
    return async () => {
      await this.limiter.reward(key, 1).catch(() => undefined);
    };
  }

  async check<T>(account: string, run: () => Promise<T>): Promise<T> {
    const giveBack = await this.reserve(account);
    try {
      const result = await run();
      await giveBack();
      return result;
    } catch (error) {
      if (!isWrongCode(error) && !isHistoryHit(error)) await giveBack();
      throw error;
    }
  }
}

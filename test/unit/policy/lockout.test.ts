import { RateLimiterMemory } from "rate-limiter-flexible";
import type { RequestMeta } from "../../../src/audit/audit-event";
import { ErrorCode, GatewayError } from "../../../src/errors/error-codes";
import { Lockout, lockedKey } from "../../../src/policy/lockout";
import { MemoryStore } from "../../../src/store/memory-store";
import { FakeClock } from "../../fakes/fake-clock";

/**
 * The guard sends its lock read and both reservations together: whatever refuses an attempt, the provider is
 * not asked, the refusal is the one the one-at-a-time order gave, and what the attempt took is given back —
 * seen here from outside, by what the account and the address can still do afterwards.
 */
describe("Lockout.guard", () => {
  const meta: RequestMeta = { requestId: "r", ip: "203.0.113.7", userAgent: undefined };
  const threshold = 2;
  const addressPoints = 3;
  const wrong = () => Promise.reject(new GatewayError(ErrorCode.INVALID_CREDENTIALS));
  const codeOf = (error: unknown) => (error as GatewayError).code;

  const setUp = () => {
    const store = new MemoryStore(new FakeClock(), 0);
    const perAddress = new RateLimiterMemory({ points: addressPoints, duration: 900 });
    const lockout = new Lockout({ store, audit: { record: async () => undefined }, epoch: { bump: async () => undefined }, findSub: async () => undefined, settings: { threshold, durationSeconds: 900 }, perAddress });
    let asked = 0;
    const check = (answer: () => Promise<string>) => () => {
      asked += 1;
      return answer();
    };
    return { store, perAddress, lockout, check, asked: () => asked };
  };

  it("a locked email is refused without asking the provider, and the address's budget is given back", async () => {
    const { store, perAddress, lockout, check, asked } = setUp();
    await store.set(lockedKey("a@example.test"), "1", 900);
    for (let i = 0; i < 5; i++) await expect(lockout.guard("a@example.test", meta, check(async () => "ok"))).rejects.toMatchObject({ code: ErrorCode.ACCOUNT_LOCKED });
    expect(asked()).toBe(0);
    expect((await perAddress.get(meta.ip!))?.consumedPoints ?? 0).toBe(0);
  });

  it("a spent address budget refuses without asking the provider, and takes none of the account's slots", async () => {
    const { perAddress, lockout, check, asked } = setUp();
    await perAddress.consume(meta.ip!, addressPoints);
    for (let i = 0; i < 5; i++) await expect(lockout.guard("b@example.test", meta, check(async () => "ok"))).rejects.toMatchObject({ code: ErrorCode.TOO_MANY_REQUESTS });
    expect(asked()).toBe(0);
    // From another address, the account still has all its slots: `threshold` wrong passwords reach the provider.
    const other = { ...meta, ip: "198.51.100.9" };
    for (let i = 0; i < threshold; i++) await expect(lockout.guard("b@example.test", other, check(wrong))).rejects.toMatchObject({ code: ErrorCode.INVALID_CREDENTIALS });
    expect(asked()).toBe(threshold);
  });

  it("a right answer gives both slots back while the caller's next step runs; that step's errors are not counted", async () => {
    const { perAddress, lockout, check, asked } = setUp();
    const next = await lockout.guard("c@example.test", meta, check(async () => "answer"), async (answer) => `${answer}, then`);
    expect(next).toBe("answer, then");
    // A refusal in the next step (as a disabled account's) is its own error, and no failure of the account.
    for (let i = 0; i < threshold + 2; i++) {
      const refused = await lockout.guard("c@example.test", meta, check(async () => "answer"), () => wrong()).catch((error: unknown) => error);
      expect(codeOf(refused)).toBe(ErrorCode.INVALID_CREDENTIALS);
    }
    expect(asked()).toBe(threshold + 3);
    expect((await perAddress.get(meta.ip!))?.consumedPoints ?? 0).toBe(0);
  });

  it("wrong answers keep their slots until the threshold refuses, without asking the provider", async () => {
    const { lockout, check, asked } = setUp();
    for (let i = 0; i < threshold; i++) await expect(lockout.guard("d@example.test", meta, check(wrong))).rejects.toMatchObject({ code: ErrorCode.INVALID_CREDENTIALS });
    await expect(lockout.guard("d@example.test", meta, check(async () => "ok"))).rejects.toMatchObject({ code: ErrorCode.ACCOUNT_LOCKED });
    expect(asked()).toBe(threshold);
  });
});

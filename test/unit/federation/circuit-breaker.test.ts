import { BreakerOpenError, CircuitBreaker } from "../../../src/federation/circuit-breaker";
import { FakeClock } from "../../fakes/fake-clock";

const fail = () => Promise.reject(new Error("ECONNRESET"));
const succeed = () => Promise.resolve("ok");

/** Issue 28 row 10: the breaker's states, with a clock the test moves (no sleeping). */
describe("a subgraph's circuit breaker", () => {
  it("opens after N consecutive failures, fails fast, lets one probe through after the open time, and reopens when the probe fails", async () => {
    const clock = new FakeClock(0);
    const changes: boolean[] = [];
    const breaker = new CircuitBreaker({ failures: 3, openSeconds: 30 }, clock, (open) => changes.push(open));
    await expect(breaker.run(fail)).rejects.toThrow("ECONNRESET");
    await expect(breaker.run(succeed)).resolves.toBe("ok"); // a success in between: the count starts again
    for (let i = 0; i < 3; i += 1) await expect(breaker.run(fail)).rejects.toThrow("ECONNRESET");
    let calls = 0;
    await expect(
      breaker.run(() => {
        calls += 1;
        return succeed();
      }),
    ).rejects.toBeInstanceOf(BreakerOpenError);
    expect(calls).toBe(0);
    clock.advanceSeconds(30);
    let release: () => void = () => undefined;
    const probe = breaker.run(() => new Promise<void>((resolve) => (release = resolve)).then(fail));
    await expect(breaker.run(succeed)).rejects.toBeInstanceOf(BreakerOpenError); // one probe at a time
    release();
    await expect(probe).rejects.toThrow("ECONNRESET");
    await expect(breaker.run(succeed)).rejects.toBeInstanceOf(BreakerOpenError); // open again, from now
    clock.advanceSeconds(30);
    await expect(breaker.run(succeed)).resolves.toBe("ok");
    await expect(breaker.run(succeed)).resolves.toBe("ok");
    expect(changes).toEqual([true, false]);
  });

  it("counts a settled answer as a failure when told to (a 5xx)", async () => {
    const breaker = new CircuitBreaker({ failures: 1, openSeconds: 30 }, new FakeClock(0));
    await breaker.run(() => Promise.resolve({ status: 503 }), (r) => r.status >= 500);
    expect(breaker.open).toBe(true);
  });
});

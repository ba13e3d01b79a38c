import { authenticator } from "otplib";
import { EnrolledTotp } from "../../../../src/auth/factors/enrolled-totp";
import { MemoryStore } from "../../../../src/store/memory-store";
import { FakeClock } from "../../../fakes/fake-clock";

const secret = authenticator.generateSecret();
const sealKey = "k".repeat(32);

describe("the gateway's copy of an enrolled TOTP secret", () => {
  it("checks codes of the enrolled secret, one step either side, at the injected time", async () => {
    const clock = new FakeClock();
    const enrolled = new EnrolledTotp({ store: new MemoryStore(clock), clock, sealKey });
    await enrolled.remember("sub-1", secret);
    const at = (ms: number) => authenticator.clone({ epoch: ms }).generate(secret);
    expect(await enrolled.matches("sub-1", at(clock.now()))).toBe(true);
    expect(await enrolled.matches("sub-1", at(clock.now() + 30_000))).toBe(true);
    expect(await enrolled.matches("sub-1", at(clock.now() + 90_000))).toBe(false);
    expect(await enrolled.matches("sub-1", authenticator.clone({ epoch: clock.now() }).generate(authenticator.generateSecret()))).toBe(false);
  });

  it("keeps the secret sealed: the store holds no secret, and another key or account opens nothing", async () => {
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    await new EnrolledTotp({ store, clock, sealKey }).remember("sub-1", secret);
    const raw = await store.get("totp-enrolled:sub-1");
    expect(raw).toBeDefined();
    expect(raw).not.toContain(secret);
    const code = authenticator.clone({ epoch: clock.now() }).generate(secret);
    expect(await new EnrolledTotp({ store, clock, sealKey: "x".repeat(32) }).matches("sub-1", code)).toBeUndefined();
    await store.set("totp-enrolled:sub-2", raw!, 60);
    expect(await new EnrolledTotp({ store, clock, sealKey }).matches("sub-2", code)).toBeUndefined();
    expect(await new EnrolledTotp({ store, clock, sealKey }).matches("nobody", code)).toBeUndefined();
  });
});

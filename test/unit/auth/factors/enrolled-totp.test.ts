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
    expect(await enrolled.check("sub-1", at(clock.now()))).toBe("match");
    expect(await enrolled.check("sub-1", at(clock.now() + 30_000))).toBe("match");
    expect(await enrolled.check("sub-1", at(clock.now() + 90_000))).toBe("mismatch");
    await expect(enrolled.assertNotContradicted("sub-1", at(clock.now() + 90_000))).rejects.toMatchObject({ code: "CODE_MISMATCH" });
    await expect(enrolled.assertNotContradicted("never-enrolled-here", at(clock.now()))).resolves.toBeUndefined();
    expect(await enrolled.check("sub-1", authenticator.clone({ epoch: clock.now() }).generate(authenticator.generateSecret()))).toBe("mismatch");
  });

  it("keeps the secret sealed: the store holds no secret, and another key or account opens nothing", async () => {
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    await new EnrolledTotp({ store, clock, sealKey }).remember("sub-1", secret);
    const raw = await store.get("totp-enrolled:sub-1");
    expect(raw).toBeDefined();
    expect(raw).not.toContain(secret);
    const code = authenticator.clone({ epoch: clock.now() }).generate(secret);
    const otherKey = new EnrolledTotp({ store, clock, sealKey: "x".repeat(32) });
    expect(await otherKey.check("sub-1", code)).toBe("unreadable");
    // An unreadable copy refuses: never a fall-back to the provider's check alone.
    await expect(otherKey.assertNotContradicted("sub-1", code)).rejects.toMatchObject({ code: "CODE_MISMATCH" });
    await store.set("totp-enrolled:sub-2", raw!, 60);
    expect(await new EnrolledTotp({ store, clock, sealKey }).check("sub-2", code)).toBe("unreadable");
    expect(await new EnrolledTotp({ store, clock, sealKey }).check("nobody", code)).toBe("none");
  });
});

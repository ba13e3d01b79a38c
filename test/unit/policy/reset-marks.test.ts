import { PasswordRotation } from "../../../src/policy/password-rotation";
import { MemoryStore } from "../../../src/store/memory-store";
import { FakeClock } from "../../fakes/fake-clock";

describe("the marks a password reset leaves for an email-change undo", () => {
  it("a refused attempt takes back its own mark only, even beside a reset that went through (same millisecond too)", async () => {
    const clock = new FakeClock();
    const rotation = new PasswordRotation({ store: new MemoryStore(clock), clock, maxAgeDays: 90 });
    const since = clock.now() - 1;
    const wrong = await rotation.markReset("sub-1");
    await rotation.markReset("sub-1"); // the right code's attempt, which the provider accepts
    await wrong();
    expect(await rotation.resetSince("sub-1", since)).toBe(true);
  });

  it("no mark is left once every attempt was refused", async () => {
    const clock = new FakeClock();
    const rotation = new PasswordRotation({ store: new MemoryStore(clock), clock, maxAgeDays: 90 });
    const since = clock.now() - 1;
    for (const unmark of [await rotation.markReset("sub-1"), await rotation.markReset("sub-1")]) await unmark();
    expect(await rotation.resetSince("sub-1", since)).toBe(false);
  });

  it("reads the earlier release's single mark", async () => {
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    await store.set("password-set:reset-ms:sub-1", String(clock.now()), 3600);
    const rotation = new PasswordRotation({ store, clock, maxAgeDays: 90 });
    expect(await rotation.resetSince("sub-1", clock.now() - 1)).toBe(true);
    expect(await rotation.resetSince("sub-1", clock.now())).toBe(false);
  });
});

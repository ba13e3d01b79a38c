import { recordKindOf } from "../../../src/db/record-kinds";
import { SecurityEpoch } from "../../../src/policy/security-epoch";
import { MemoryStore } from "../../../src/store/memory-store";
import { FakeClock } from "../../fakes/fake-clock";

describe("when an account's security state last changed (hosted login refuses sign-ins older than it)", () => {
  it("is kept as a lasting record too, so a Redis that lost the ephemeral copy does not reopen old sign-ins", async () => {
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    const epoch = new SecurityEpoch({ store, clock });
    const signedInAt = clock.now();
    clock.advanceSeconds(5);
    await epoch.bump("sub-1");
    // What a wiped (or rolled back) Redis leaves: only the lasting tier's records.
    await store.delete("epoch:at:sub-1");
    await store.delete("epoch:n:sub-1");
    expect(await epoch.changedSince("sub-1", signedInAt)).toBe(true);
    expect(await epoch.changedSince("sub-1", clock.now())).toBe(false);
  });

  it("its lasting copy goes to PostgreSQL in production (a lasting record kind)", () => {
    expect(recordKindOf("account-flags:security-changed-at:sub-1")).toBe("account_flags");
    expect(recordKindOf("epoch:at:sub-1")).toBeUndefined();
  });
});

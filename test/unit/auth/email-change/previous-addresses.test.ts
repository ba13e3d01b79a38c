import { EmailChangeRecords } from "../../../../src/auth/email-change/email-change-records";
import { systemClock } from "../../../../src/shared/clock";
import { MemoryStore } from "../../../../src/store/memory-store";

const day = 24 * 3600 * 1000;
const change = (oldEmail: string, newEmail: string, changedAt: number) => ({ sub: "sub-1", oldEmail, newEmail, changedAt });

describe("the addresses that keep hearing of security events after email changes", () => {
  it("keeps every address of the last 30 days, not only the last change's", async () => {
    const records = new EmailChangeRecords({ store: new MemoryStore(systemClock) });
    await records.changed(change("a@example.test", "b@example.test", 1 * day));
    await records.changed(change("b@example.test", "c@example.test", 2 * day));
    expect(await records.previousAddresses("sub-1", 3 * day)).toEqual(["a@example.test", "b@example.test"]);
    // Thirty days after the first change, only the second one's old address still hears.
    expect(await records.previousAddresses("sub-1", 31 * day + 1)).toEqual(["b@example.test"]);
  });

  it("an undo of a change forgets that change's address and every later one, never an earlier one", async () => {
    const records = new EmailChangeRecords({ store: new MemoryStore(systemClock) });
    await records.changed(change("z@example.test", "a@example.test", 1 * day));
    await records.changed(change("a@example.test", "b@example.test", 2 * day));
    await records.changed(change("b@example.test", "c@example.test", 3 * day));
    await records.forgetPrevious(change("a@example.test", "b@example.test", 2 * day));
    expect(await records.previousAddresses("sub-1", 4 * day)).toEqual(["z@example.test"]);
  });

  it("reads the earlier release's single previous address, and an undo removes it", async () => {
    const store = new MemoryStore(systemClock);
    await store.set("email-change-previous:sub-1", JSON.stringify({ email: "old@example.test", changedAt: 1 * day }), 3600);
    const records = new EmailChangeRecords({ store });
    expect(await records.previousAddresses("sub-1", 2 * day)).toEqual(["old@example.test"]);
    await records.forgetPrevious(change("old@example.test", "new@example.test", 1 * day));
    expect(await records.previousAddresses("sub-1", 2 * day)).toEqual([]);
  });
});

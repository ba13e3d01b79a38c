import { createSharedTurn } from "../../../src/shared/shared-turn";

describe("a shared event-loop turn", () => {
  it("callers in the same turn wait on one setImmediate and resume together, before a later immediate", async () => {
    const nextTurn = createSharedTurn();
    const order: string[] = [];
    const first = nextTurn().then(() => order.push("first"));
    const second = nextTurn().then(() => order.push("second"));
    // Scheduled after both callers: it runs only after both resumed.
    setImmediate(() => order.push("later immediate"));
    await Promise.resolve();
    expect(order).toEqual([]);
    await Promise.all([first, second]);
    expect(order).toEqual(["first", "second"]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(["first", "second", "later immediate"]);
  });

  it("a caller after the turn passed waits for a turn of its own", async () => {
    const nextTurn = createSharedTurn();
    const firstTurn = nextTurn();
    expect(nextTurn()).toBe(firstTurn);
    await firstTurn;
    const secondTurn = nextTurn();
    expect(secondTurn).not.toBe(firstTurn);
    let resumed = false;
    void secondTurn.then(() => (resumed = true));
    await Promise.resolve();
    expect(resumed).toBe(false);
    await secondTurn;
    expect(resumed).toBe(true);
  });
});

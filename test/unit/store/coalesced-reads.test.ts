import { CoalescedReads } from "../../../src/store/coalesced-reads";

/** src/store/coalesced-reads.ts: reads of one tick share one MGET; a failure fails every waiter and no one else. */
describe("coalesced reads", () => {
  it("answers each caller its own keys from one command, each key asked once", async () => {
    const sent: string[][] = [];
    const reads = new CoalescedReads((keys) => {
      sent.push(keys);
      return Promise.resolve(keys.map((k) => (k === "missing" ? null : `v:${k}`)));
    });
    const mine = ["a", "b"];
    const [one, two] = await Promise.all([reads.read(mine), reads.read(["b", "missing", "c"])]);
    mine.push("changed after the call");
    expect(one).toEqual(["v:a", "v:b"]);
    expect(two).toEqual(["v:b", undefined, "v:c"]);
    expect(sent).toEqual([["a", "b", "missing", "c"]]);
  });

  it("a command that throws before it is sent fails every waiter of the batch, and the flushing caller goes on", async () => {
    const reads = new CoalescedReads(() => {
      throw new RangeError("too many arguments");
    });
    const first = reads.read(["a"]);
    const second = reads.read(["b"]);
    expect(() => {
      reads.flush();
    }).not.toThrow();
    await expect(first).rejects.toThrow("too many arguments");
    await expect(second).rejects.toThrow("too many arguments");
  });

  it("a failed command fails every waiter of the batch", async () => {
    const reads = new CoalescedReads(() => Promise.reject(new Error("connection lost")));
    await expect(Promise.all([reads.read(["a"]), reads.read(["b"])])).rejects.toThrow("connection lost");
  });
});

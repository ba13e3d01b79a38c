import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditRecord } from "../../../src/audit/audit-event";
import { HashChainedFileSink, MemorySink } from "../../../src/audit/audit-log";
import { verifyChain } from "../../../src/audit/hash-chain";

const record = (n: number, subject = `sub-${n % 2}`): AuditRecord => ({
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  requestId: `req-${n}`,
  ip: null,
  userAgent: null,
  event: n % 3 === 0 ? "LOGOUT" : "LOGIN",
  outcome: "SUCCESS",
  subject,
});

describe("the file sink's reader and verifier", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "audit-review-"));
    file = join(dir, "audit.jsonl");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("pages newest first through the JSON Lines file, with filters", async () => {
    const sink = new HashChainedFileSink(file);
    for (let n = 1; n <= 7; n++) await sink.write(record(n));
    await sink.close();
    const reader = sink.reader();
    const first = await reader.find({ subject: "sub-1" }, { first: 2 });
    expect(first.entries.map((e) => e.requestId)).toEqual(["req-7", "req-5"]);
    expect(first.hasNextPage).toBe(true);
    const second = await reader.find({ subject: "sub-1" }, { first: 2, after: first.endCursor! });
    expect(second.entries.map((e) => e.requestId)).toEqual(["req-3", "req-1"]);
    expect(second.hasNextPage).toBe(false);
    expect(second.entries[0]).not.toHaveProperty("prevHash");
    const logouts = await reader.find({ events: ["LOGOUT"], from: new Date(Date.UTC(2026, 0, 1, 0, 0, 4)) }, { first: 10 });
    expect(logouts.entries.map((e) => e.requestId)).toEqual(["req-6"]);
    await expect(reader.find({}, { first: 1, after: "not-a-cursor" })).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
  });

  it("memory sink reads back too (tests use it)", async () => {
    const sink = new MemorySink();
    await sink.write(record(1));
    await sink.write(record(2));
    expect((await sink.reader().find({}, { first: 1 })).entries.map((e) => e.id)).toEqual(["2"]);
  });

  it("tells a torn last record (TRUNCATED) from an edited one (ALTERED)", async () => {
    const sink = new HashChainedFileSink(file);
    for (let n = 1; n <= 3; n++) await sink.write(record(n));
    await sink.close();
    const intact = readFileSync(file, "utf8");
    appendFileSync(file, '{"time":"2026-01-01T00:00:04.000Z","requestId":"req-4","ev');
    expect(await verifyChain(file)).toMatchObject({ ok: false, kind: "TRUNCATED", records: 3 });
    // Half a line with no line end that happens to parse is still a cut-short write.
    writeFileSync(file, intact.slice(0, -1));
    expect(await verifyChain(file)).toMatchObject({ ok: false, kind: "TRUNCATED", records: 2 });
    writeFileSync(file, intact.replace('"req-2"', '"req-X"'));
    expect(await verifyChain(file)).toMatchObject({ ok: false, kind: "ALTERED", brokenAt: 3 });
    writeFileSync(file, intact);
    expect(await verifyChain(file)).toEqual({ ok: true, records: 3, recovered: 0 });
  });
});

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditRecord } from "../../../src/audit/audit-event";
import { HashChainedFileSink } from "../../../src/audit/audit-log";
import { genesisHash, verifyChain } from "../../../src/audit/hash-chain";

const record = (n: number): AuditRecord => ({ time: new Date(0).toISOString(), requestId: `req-${n}`, ip: null, userAgent: null, event: "LOGIN", outcome: "FAILURE", reason: "INVALID_CREDENTIALS" });

describe("the hash-chained audit file", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "audit-"));
    file = join(dir, "audit.jsonl");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writeAll = async (sink: HashChainedFileSink, from: number, count: number) => {
    await Promise.all(Array.from({ length: count }, (_, i) => sink.write(record(from + i))));
    await sink.close();
  };

  it("chains every record to the one before, from genesis", async () => {
    await writeAll(new HashChainedFileSink(file), 0, 3);
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { prevHash: string });
    expect(lines[0]?.prevHash).toBe(genesisHash);
    expect(await verifyChain(file)).toEqual({ ok: true, records: 3, recovered: 0 });
  });

  it("continues the chain after a restart", async () => {
    await writeAll(new HashChainedFileSink(file), 0, 2);
    await writeAll(new HashChainedFileSink(file), 2, 2);
    expect(await verifyChain(file)).toEqual({ ok: true, records: 4, recovered: 0 });
  });

  it("detects an edited record and a deleted one, naming the first broken record", async () => {
    await writeAll(new HashChainedFileSink(file), 0, 5);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    writeFileSync(file, `${lines.map((l, i) => (i === 1 ? l.replace("INVALID_CREDENTIALS", "SUCCESS") : l)).join("\n")}\n`);
    expect(await verifyChain(file)).toMatchObject({ ok: false, kind: "ALTERED", brokenAt: 3 });
    writeFileSync(file, `${lines.filter((_, i) => i !== 2).join("\n")}\n`);
    expect(await verifyChain(file)).toMatchObject({ ok: false, kind: "ALTERED", brokenAt: 3 });
  });

  it("keeps all of 10,000 concurrent events, in one intact chain", async () => {
    await writeAll(new HashChainedFileSink(file), 0, 10_000);
    expect(await verifyChain(file)).toEqual({ ok: true, records: 10_000, recovered: 0 });
    const ids = new Set(readFileSync(file, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { requestId: string }).requestId));
    expect(ids.size).toBe(10_000);
  });

  it("rejects the write when the file cannot be written, fails its readiness check, and never crashes the process", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const sink = new HashChainedFileSink(dir); // a directory, not a file: EISDIR on every read and write
      await expect(sink.write(record(1))).rejects.toMatchObject({ code: "EISDIR" });
      await expect(sink.write(record(2))).rejects.toMatchObject({ code: "EISDIR" });
      await expect(sink.check()).rejects.toBeDefined();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("sets a torn tail aside at start, records it in the chain, and continues from the last complete record", async () => {
    await writeAll(new HashChainedFileSink(file), 0, 3);
    const fragment = '{"time":"1970-01-01T00:00:00.000Z","requestId":"req-3","event":"LO';
    writeFileSync(file, readFileSync(file, "utf8") + fragment);
    expect(await verifyChain(file)).toEqual({ ok: false, kind: "TRUNCATED", records: 3, tailBytes: fragment.length });

    await writeAll(new HashChainedFileSink(file), 4, 1);
    expect(await verifyChain(file)).toEqual({ ok: true, records: 5, recovered: 1 });
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[3]).toMatchObject({ event: "LOG_TAIL_TRUNCATED", bytes: fragment.length, digest: createHash("sha256").update(fragment).digest("hex") });
    const aside = readdirSync(dir).filter((name) => name.startsWith("audit.jsonl.torn-"));
    expect(aside.map((name) => readFileSync(join(dir, name), "utf8"))).toEqual([fragment]);
  });

  it("tells a torn tail (exit 3) from an altered record (exit 1) in `npm run audit:verify`", async () => {
    await writeAll(new HashChainedFileSink(file), 0, 2);
    writeFileSync(file, `${readFileSync(file, "utf8")}{"partial`);
    const cli = join(__dirname, "../../../dist/audit/verify-cli.js");
    const torn = spawnSync(process.execPath, [cli, file], { encoding: "utf8" });
    expect(torn.status).toBe(3);
    expect(torn.stdout).toMatch(/^TRUNCATED: 2 complete records, chain intact/);
  });

  it("is checked by `npm run audit:verify` (exit 1 and the record number when broken)", async () => {
    await writeAll(new HashChainedFileSink(file), 0, 3);
    const cli = join(__dirname, "../../../dist/audit/verify-cli.js");
    const good = spawnSync(process.execPath, [cli, file], { encoding: "utf8" });
    expect([good.status, good.stdout.trim()]).toEqual([0, "ok: 3 records, chain intact"]);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    writeFileSync(file, `${[lines[0], lines[2]].join("\n")}\n`);
    const bad = spawnSync(process.execPath, [cli, file], { encoding: "utf8" });
    expect([bad.status, bad.stdout.trim()]).toEqual([1, "BROKEN (altered) at record 2 of 2: prevHash does not match the record before it"]);
  });
  it("keeps its file open between writes, yet follows the path: a moved log is continued in a new file, a path turned directory fails the write", async () => {
    const sink = new HashChainedFileSink(file);
    await sink.write(record(0));
    renameSync(file, `${file}.moved`);
    await sink.write(record(1));
    expect(readFileSync(`${file}.moved`, "utf8").trim().split("\n")).toHaveLength(1);
    // The new file begins by naming the one before it (rotation is visible to audit:verify).
    const continued = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(continued.map((r) => r["event"])).toEqual(["LOG_CONTINUED", "LOGIN"]);
    expect(continued[0]).toMatchObject({ previousRecords: 1 });
    rmSync(file);
    mkdirSync(file);
    await expect(sink.write(record(2))).rejects.toMatchObject({ code: "EISDIR" });
    await sink.close();
  });
});

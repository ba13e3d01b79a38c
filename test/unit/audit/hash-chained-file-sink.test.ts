import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
    expect(await verifyChain(file)).toEqual({ ok: true, records: 3 });
  });

  it("continues the chain after a restart", async () => {
    await writeAll(new HashChainedFileSink(file), 0, 2);
    await writeAll(new HashChainedFileSink(file), 2, 2);
    expect(await verifyChain(file)).toEqual({ ok: true, records: 4 });
  });

  it("detects an edited record and a deleted one, naming the first broken record", async () => {
    await writeAll(new HashChainedFileSink(file), 0, 5);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    writeFileSync(file, `${lines.map((l, i) => (i === 1 ? l.replace("INVALID_CREDENTIALS", "SUCCESS") : l)).join("\n")}\n`);
    expect(await verifyChain(file)).toMatchObject({ ok: false, brokenAt: 3 });
    writeFileSync(file, `${lines.filter((_, i) => i !== 2).join("\n")}\n`);
    expect(await verifyChain(file)).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it("keeps all of 10,000 concurrent events, in one intact chain", async () => {
    await writeAll(new HashChainedFileSink(file), 0, 10_000);
    expect(await verifyChain(file)).toEqual({ ok: true, records: 10_000 });
    const ids = new Set(readFileSync(file, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { requestId: string }).requestId));
    expect(ids.size).toBe(10_000);
  });

  it("rejects the write when the file cannot be written", async () => {
    const sink = new HashChainedFileSink(dir); // a directory, not a file
    await expect(sink.write(record(1))).rejects.toBeDefined();
  });

  it("is checked by `npm run audit:verify` (exit 1 and the record number when broken)", async () => {
    await writeAll(new HashChainedFileSink(file), 0, 3);
    const cli = join(__dirname, "../../../dist/audit/verify-cli.js");
    const good = spawnSync(process.execPath, [cli, file], { encoding: "utf8" });
    expect([good.status, good.stdout.trim()]).toEqual([0, "ok: 3 records, chain intact"]);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    writeFileSync(file, `${[lines[0], lines[2]].join("\n")}\n`);
    const bad = spawnSync(process.execPath, [cli, file], { encoding: "utf8" });
    expect([bad.status, bad.stdout.trim()]).toEqual([1, "BROKEN at record 2 of 2: prevHash does not match the record before it"]);
  });
});

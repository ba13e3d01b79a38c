import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HashChainedFileSink } from "../../../src/audit/audit-log";
import type { AuditRecord } from "../../../src/audit/audit-event";
import { verifyLogSet } from "../../../src/audit/verify-log-files";

const record = (i: number): AuditRecord => ({ time: new Date(i).toISOString(), requestId: `req-${i}`, ip: null, userAgent: null, event: "LOGIN", outcome: "FAILURE" });
const cli = join(__dirname, "../../../dist/audit/verify-cli.js");

/** Issue 28 row 9: rotation, copytruncate and deletion of the live or a rotated file are visible to verify. */
describe("audit log rotation", () => {
  let dir: string;
  let path: string;
  let sink: HashChainedFileSink;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "rotation-"));
    path = join(dir, "audit.jsonl");
    sink = new HashChainedFileSink(path);
    for (let i = 0; i < 3; i += 1) await sink.write(record(i));
    renameSync(path, `${path}.1`); // logrotate's rename + create
    for (let i = 3; i < 5; i += 1) await sink.write(record(i));
    copyFileSync(path, `${path}.2`); // then copytruncate
    truncateSync(path, 0);
    await sink.write(record(5));
  });
  afterEach(async () => {
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("chains each new file to the one before it, and verify accepts the whole set", async () => {
    const first = JSON.parse(readFileSync(path, "utf8").split("\n")[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ event: "LOG_CONTINUED", previousRecords: 3 }); // LOG_CONTINUED + 2 records in .2
    const report = await verifyLogSet(path);
    expect(report.problems).toEqual([]);
    expect(report.files.map((f) => [f.file, f.report.ok])).toEqual([["audit.jsonl", true], ["audit.jsonl.1", true], ["audit.jsonl.2", true]]);
  });

  it("reports a deleted rotated file as missing (exit 1)", async () => {
    rmSync(`${path}.1`);
    expect((await verifyLogSet(path)).problems).toEqual([expect.objectContaining({ kind: "MISSING_FILE", file: "audit.jsonl.2" })]);
    const run = spawnSync(process.execPath, [cli, path], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/MISSING_FILE audit.jsonl.2/);
  });

  it("reports a rotated file that lost its last records as truncated", async () => {
    const lines = readFileSync(`${path}.1`, "utf8").split("\n");
    writeFileSync(`${path}.1`, `${lines.slice(0, 2).join("\n")}\n`);
    expect((await verifyLogSet(path)).problems).toEqual([expect.objectContaining({ kind: "TRUNCATED_FILE", file: "audit.jsonl.1" })]);
  });

  it("reports a deleted live file: the file the sink starts next names it", async () => {
    rmSync(path);
    await sink.write(record(6));
    expect((await verifyLogSet(path)).problems).toEqual([expect.objectContaining({ kind: "MISSING_FILE", file: "audit.jsonl" })]);
  });
});

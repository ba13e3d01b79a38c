import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { lineHash, verifyChain, type ChainReport } from "./hash-chain";

export type LogSetProblem =
  | { kind: "MISSING_FILE"; file: string; reason: string }
  | { kind: "TRUNCATED_FILE"; file: string; reason: string }
  | { kind: "UNRECORDED_SET_ASIDE"; file: string; reason: string };

export type LogSetReport = { files: { file: string; report: ChainReport }[]; problems: LogSetProblem[] };

type Parsed = { file: string; lineHashes: string[]; records: Record<string, unknown>[] };

const parse = async (path: string): Promise<Parsed> => {
  const lines = (await readFile(path, "utf8")).split("\n");
  lines.pop();
  const records = lines.map((line) => {
    try {
      return z.record(z.string(), z.unknown()).parse(JSON.parse(line));
    } catch {
      return {};
    }
  });
  return { file: basename(path), lineHashes: lines.map(lineHash), records };
};

/** The logs of a set: the live file and its rotations (`<live>.1`, `<live>-20261207`…), never set-asides or archives. */
const isLog = (name: string, live: string | undefined): boolean =>
  !name.includes(".torn-") && !/\.(gz|bz2|xz|zst)$/.test(name) && (live === undefined ? name.includes(".jsonl") : name.startsWith(live));

/**
 * Verifies a log and its rotated siblings together (or every log in a directory): each file's own chain;
 * each LOG_CONTINUED record's predecessor (a file whose first line has the named hash, at least as many
 * records as named, and the named last hash at that place: otherwise it is MISSING or TRUNCATED); and
 * each set-aside torn tail beside them, which must be named by a LOG_TAIL_TRUNCATED record with its digest
 * (a death between the set-aside and its record leaves one that is not).
 */
export const verifyLogSet = async (path: string): Promise<LogSetReport> => {
  const isDirectory = (await stat(path)).isDirectory();
  const dir = isDirectory ? path : dirname(path);
  const live = isDirectory ? undefined : basename(path);
  const names = (await readdir(dir)).sort();
  const logs = await Promise.all(names.filter((name) => isLog(name, live)).map((name) => parse(join(dir, name))));
  const files = await Promise.all(logs.map(async (log) => ({ file: log.file, report: await verifyChain(join(dir, log.file)) })));
  const problems: LogSetProblem[] = [];
  for (const log of logs) {
    const first = log.records[0];
    if (first?.["event"] !== "LOG_CONTINUED") continue;
    const count = Number(first["previousRecords"]);
    const before = logs.find((other) => other !== log && other.lineHashes[0] === first["previousFirstHash"]);
    if (!before) {
      problems.push({ kind: "MISSING_FILE", file: log.file, reason: `the file before it (${count} records, first-line hash ${String(first["previousFirstHash"]).slice(0, 12)}…) is missing` });
    } else if (before.lineHashes.length < count || before.lineHashes[count - 1] !== first["previousLastHash"]) {
      problems.push({ kind: "TRUNCATED_FILE", file: before.file, reason: `${log.file} says it held ${count} records ending in ${String(first["previousLastHash"]).slice(0, 12)}…; it has ${before.lineHashes.length}` });
    }
  }
  const recorded = new Set(logs.flatMap((log) => log.records.filter((r) => r["event"] === "LOG_TAIL_TRUNCATED").map((r) => r["digest"])));
  const setAsides = names.filter((name) => name.includes(".torn-") && (live === undefined || name.startsWith(`${live}.torn-`)));
  for (const name of setAsides) {
    const digest = createHash("sha256").update(await readFile(join(dir, name))).digest("hex");
    if (!recorded.has(digest)) problems.push({ kind: "UNRECORDED_SET_ASIDE", file: name, reason: "a torn tail moved aside with no LOG_TAIL_TRUNCATED record for it (the sink died between the two; its next start does not record it)" });
  }
  return { files, problems };
};

import { createHash } from "node:crypto";
import { open, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { z } from "zod";

/** `prevHash` of the first record of a log. */
export const genesisHash = "0".repeat(64);

export const lineHash = (line: string): string => createHash("sha256").update(line, "utf8").digest("hex");

/** The hash the next record must carry: of the file's last line, or genesis for a new file. */
export const lastLineHash = async (path: string): Promise<string> => {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return genesisHash;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return genesisHash;
    // Records are small; the last one fits in the tail.
    const length = Math.min(size, 64 * 1024);
    const { buffer } = await handle.read(Buffer.alloc(length), 0, length, size - length);
    const lines = buffer.toString("utf8").split("\n").filter(Boolean);
    const last = lines[lines.length - 1];
    if (last === undefined) return genesisHash;
    return lineHash(last);
  } finally {
    await handle.close();
  }
};

/**
 * `ok`: the chain holds (`recovered`: torn tails the sink moved aside at start, each recorded in the chain
 * as LOG_TAIL_TRUNCATED). `TRUNCATED`: the chain holds but the file ends in a partial line (a crash or a full
 * disk mid-write, not yet recovered). `ALTERED`: a record was edited, removed, inserted or reordered.
 */
export type ChainReport =
  | { ok: true; records: number; recovered: number }
  | { ok: false; kind: "TRUNCATED"; records: number; tailBytes: number }
  | { ok: false; kind: "ALTERED"; records: number; brokenAt: number; reason: string };

/** Checks every record's `prevHash` against the line before it; names the first broken record (1-based). */
/** Only the chain field is read here; the rest of the line is hashed as written. */
const chained = z.object({ prevHash: z.unknown().optional() });

export const verifyChain = async (path: string): Promise<ChainReport> => {
  const text = await readFile(path, "utf8");
  const lines = text.split("\n");
  // A file that does not end with a newline ends in a torn (partial) record.
  const torn = lines.pop() ?? "";
  let expected = genesisHash;
  let recovered = 0;
  for (const [index, line] of lines.entries()) {
    let prevHash: unknown;
    try {
      prevHash = chained.parse(JSON.parse(line)).prevHash;
      if (line.includes('"event":"LOG_TAIL_TRUNCATED"')) recovered += 1;
    } catch {
      return { ok: false, kind: "ALTERED", records: lines.length, brokenAt: index + 1, reason: "not a JSON record" };
    }
    if (prevHash !== expected) return { ok: false, kind: "ALTERED", records: lines.length, brokenAt: index + 1, reason: "prevHash does not match the record before it" };
    expected = lineHash(line);
  }
  if (torn.length > 0) return { ok: false, kind: "TRUNCATED", records: lines.length, tailBytes: Buffer.byteLength(torn) };
  return { ok: true, records: lines.length, recovered };
};

/** The hashes of a log's first and last complete lines and how many complete lines it has (none: genesis). */
export const readChainEnds = async (path: string): Promise<{ firstHash: string | undefined; lastHash: string; records: number }> => {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { firstHash: undefined, lastHash: genesisHash, records: 0 };
    throw error;
  }
  const lines = text.split("\n");
  lines.pop(); // after the last newline: empty, or a torn line that is not part of the chain
  const first = lines[0];
  const last = lines[lines.length - 1];
  return { firstHash: first === undefined ? undefined : lineHash(first), lastHash: last === undefined ? genesisHash : lineHash(last), records: lines.length };
};

/**
 * A partial last line (no newline after it): moved out of the log into `<path>.torn-<time>` and the file
 * cut back to its last complete record. Returns what was moved, for the LOG_TAIL_TRUNCATED record. If the
 * set-aside file cannot be written whole (a full disk), it is removed and the log is left as it was: no
 * empty set-aside files, and the next start tries again.
 */
export const setAsideTornTail = async (path: string, now: number): Promise<{ digest: string; bytes: number; file: string } | undefined> => {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  if (content.length === 0 || content[content.length - 1] === 0x0a) return undefined;
  const cut = content.lastIndexOf(0x0a) + 1;
  const fragment = content.subarray(cut);
  const aside = `${path}.torn-${now}`;
  try {
    await writeFile(aside, fragment, { mode: 0o600, flag: "wx" });
  } catch (error) {
    await rm(aside, { force: true }).catch(() => undefined);
    throw error;
  }
  await truncate(path, cut);
  return { digest: createHash("sha256").update(fragment).digest("hex"), bytes: fragment.length, file: basename(aside) };
};

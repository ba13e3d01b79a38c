import { createHash } from "node:crypto";
import { open, readFile } from "node:fs/promises";

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

export type ChainReport =
  | { ok: true; records: number }
  | { ok: false; records: number; brokenAt: number; kind: "ALTERED" | "TRUNCATED"; reason: string };

/**
 * Checks every record's `prevHash` against the line before it; names the first broken record (1-based).
 * A last line cut short (no newline: a crash mid-write) is TRUNCATED, anything else ALTERED.
 */
export const verifyChain = async (path: string): Promise<ChainReport> => {
  const text = await readFile(path, "utf8");
  const lines = text.split("\n");
  const complete = lines[lines.length - 1] === "";
  if (complete) lines.pop();
  let expected = genesisHash;
  for (const [index, line] of lines.entries()) {
    const torn = !complete && index === lines.length - 1;
    let prevHash: unknown;
    try {
      prevHash = (JSON.parse(line) as { prevHash?: unknown }).prevHash;
    } catch {
      if (torn) return { ok: false, records: lines.length, brokenAt: index + 1, kind: "TRUNCATED", reason: "the last record is cut short" };
      return { ok: false, records: lines.length, brokenAt: index + 1, kind: "ALTERED", reason: "not a JSON record" };
    }
    if (prevHash !== expected) return { ok: false, records: lines.length, brokenAt: index + 1, kind: "ALTERED", reason: "prevHash does not match the record before it" };
    if (torn) return { ok: false, records: lines.length, brokenAt: index + 1, kind: "TRUNCATED", reason: "the last record has no line end (write cut short)" };
    expected = lineHash(line);
  }
  return { ok: true, records: lines.length };
};

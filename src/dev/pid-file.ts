import { writeFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { z } from "zod";
import { parseStoredRecord, recordSchema } from "../shared/stored-record";

/** What the pid file next to cognito-local's data says: which process serves it, for which gateway. */
export type PidRecord = { pid: number; parentPid: number; port: number };
const positive = z.number().int().positive();
const pidRecord = recordSchema<PidRecord>()(z.object({ pid: positive, parentPid: positive, port: positive }));

type ProcessInfo = { argv: string[]; ppid: number };

/** The command line and parent of a live process; undefined when it is gone, a zombie, or /proc is missing. */
const processInfo = async (pid: number): Promise<ProcessInfo | undefined> => {
  try {
    const [cmdline, stat] = await Promise.all([readFile(`/proc/${pid}/cmdline`, "utf8"), readFile(`/proc/${pid}/stat`, "utf8")]);
    // stat is "pid (comm) state ppid …"; comm may hold spaces and parentheses, so read after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (state === "Z") return undefined;
    return { argv: cmdline.split("\0").filter(Boolean), ppid: Number(ppid) };
  } catch {
    return undefined;
  }
};

const readRecord = async (file: string): Promise<PidRecord | undefined> => {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  return parseStoredRecord(pidRecord, text);
};

export class DirInUseError extends Error {
  override readonly name = "DirInUseError";
}

/** Resolves once `pid` no longer runs our program, or after the deadline (false). */
const waitGone = async (pid: number, isOurs: (argv: string[]) => boolean, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await processInfo(pid);
    if (!info || !isOurs(info.argv)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

export type Reclaimed = { stoppedOrphan: number | undefined };

/**
 * Makes the data directory ours before cognito-local starts there. A pid file left by an earlier run
 * names either nothing of ours (stale: removed), a cognito-local whose gateway is still its parent (in
 * use: refused, never touched), or one whose gateway died without stopping it (orphan: stopped).
 * A process counts as ours only when its command line says so (`isOurs`), so a reused pid is never
 * signalled.
 */
export const reclaimPidFile = async (file: string, isOurs: (argv: string[]) => boolean, stopTimeoutMs = 5000): Promise<Reclaimed> => {
  const record = await readRecord(file);
  const info = record && (await processInfo(record.pid));
  if (!record || !info || !isOurs(info.argv)) {
    await rm(file, { force: true });
    return { stoppedOrphan: undefined };
  }
  if (info.ppid === record.parentPid) {
    throw new DirInUseError(
      `the cognito-local data directory is in use by a running gateway (pid ${record.parentPid}); set LOCAL_COGNITO_URL=http://127.0.0.1:${record.port} to share its cognito-local, or choose another LOCAL_COGNITO_DIR`,
    );
  }
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    try {
      process.kill(record.pid, signal);
    } catch {
      break; // already gone
    }
    if (await waitGone(record.pid, isOurs, stopTimeoutMs)) break;
  }
  await rm(file, { force: true });
  return { stoppedOrphan: record.pid };
};

/** Synchronous, so it is written before the child's exit can be observed (and the file removed). */
export const writePidFile = (file: string, record: PidRecord): void => writeFileSync(file, `${JSON.stringify(record)}\n`);

/** Removes the file only while it still names `pid` (a later run may have replaced it). */
export const removePidFile = async (file: string, pid: number): Promise<void> => {
  if ((await readRecord(file))?.pid === pid) await rm(file, { force: true });
};

import { mkdir, open, stat, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import type { AuditRecord } from "./audit-event";
import { BatchQueue } from "./batch-queue";
import { genesisHash, lineHash, readChainEnds, setAsideTornTail } from "./hash-chain";
import { ListAuditReader, type AuditReader } from "./review/audit-reader";
import { readJsonLines } from "./review/file-records";
import type { AuditSink } from "./audit-log";

export class AuditStallError extends Error {
  override readonly name = "AuditStallError";
}

export type FileSinkOptions = {
  /** A batch not on disk within this fails its operations (the write itself runs on, off the event loop). */
  writeTimeoutMs?: number;
  /** fsync after each batch (the spool); the trail itself relies on the page cache, as the request log does. */
  fsync?: boolean;
  /** Begin a new or emptied file with LOG_CONTINUED (the trail: yes; the spool, emptied on purpose: no). */
  continuationRecords?: boolean;
};

/** What the sink knows of the file it appends to: enough to name it in the next file's first record. */
type FileState = { firstHash: string | undefined; lastHash: string; records: number };

const settleState = <T>(promise: Promise<T>): { done: boolean; promise: Promise<T> } => {
  const state = { done: false, promise };
  promise.then(
    () => (state.done = true),
    () => (state.done = true),
  );
  return state;
};

/**
 * Append-only JSON Lines file in which each record carries the SHA-256 of the line before it
 * (`prevHash`), so removing, reordering or editing a record breaks the chain (`npm run audit:verify`).
 * Records waiting together are appended in one write, in order. One file per gateway instance; the admin
 * CLI appends to the same file now and then, so before each write the sink checks that the file still ends
 * where its own last write did, and otherwise continues the chain from the file.
 *
 * Every file operation runs on libuv's thread pool, never on the event loop: a disk that stalls (a frozen
 * filesystem, a hung network volume) fails the operations waiting on it after `writeTimeoutMs` with
 * SERVICE_UNAVAILABLE, and until the stalled write returns every new batch fails at once — while /healthz,
 * `me` and refusals keep answering.
 *
 * Rotation (rename + new file, copytruncate) and deletion: when the path holds a new or emptied file, its
 * first record is LOG_CONTINUED, naming the previous file's first-line hash, last hash and record count, so
 * `audit:verify` over the directory reports a file that went missing or lost records.
 *
 * At start, a partial last line (a crash mid-write) is set aside into `<file>.torn-<time>` once and recorded
 * as LOG_TAIL_TRUNCATED (its bytes' SHA-256 and the set-aside file's name); a write that fails part way is cut
 * back at once, so a full disk leaves no torn tail behind. Any I/O error fails the writes waiting on it,
 * never the process.
 */
export class HashChainedFileSink implements AuditSink {
  private readonly queue = new BatchQueue<AuditRecord>((records) => this.appendWithin(records));
  private state: Promise<FileState>;
  private lastWriteError: unknown;
  private tornTail: { digest: string; bytes: number; file: string } | undefined;
  /** The file's size after this sink's last write; another size means another process appended. */
  private sizeAfterLastWrite: number | undefined;
  private file: { handle: FileHandle; ino: number; dev: number } | undefined;
  /** A batch still on the disk after its deadline: nothing else is tried until it returns. */
  private stalled: { done: boolean; promise: Promise<void> } | undefined;

  constructor(
    private readonly path: string,
    private readonly options: FileSinkOptions = {},
  ) {
    this.state = this.recovered();
  }

  private recovered(): Promise<FileState> {
    const state = this.recover();
    state.catch(() => undefined);
    return state;
  }

  private async recover(): Promise<FileState> {
    await mkdir(dirname(this.path), { recursive: true });
    // One set-aside per torn tail: a tail already moved aside and not yet recorded is not looked for again.
    this.tornTail ??= await setAsideTornTail(this.path, Date.now());
    const ends = await readChainEnds(this.path);
    return { firstHash: ends.firstHash, lastHash: ends.lastHash, records: ends.records };
  }

  write(record: AuditRecord): Promise<void> {
    return this.queue.push(record);
  }

  private async appendWithin(batch: AuditRecord[]): Promise<void> {
    if (this.stalled && !this.stalled.done) throw new AuditStallError("the audit file has not finished an earlier write");
    const timeoutMs = this.options.writeTimeoutMs;
    if (timeoutMs === undefined) return this.append(batch);
    const attempt = settleState(this.append(batch));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AuditStallError(`the audit file did not take a write within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([attempt.promise, deadline]);
    } catch (error) {
      if (!attempt.done) {
        // Its records may still land later: the next batch re-reads the chain from the file.
        this.stalled = attempt;
        attempt.promise.catch(() => undefined).finally(() => (this.sizeAfterLastWrite = undefined));
        this.lastWriteError = error;
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private markers(previous: FileState, size: number): AuditRecord[] {
    const time = new Date().toISOString();
    const base = { time, requestId: "audit-sink", ip: null, userAgent: null, outcome: "SUCCESS" as const };
    const out: AuditRecord[] = [];
    // A new or emptied file (rotated, truncated or deleted): it names where the chain came from.
    if (size === 0 && previous.records > 0 && this.options.continuationRecords !== false) {
      out.push({ ...base, event: "LOG_CONTINUED", previousFirstHash: previous.firstHash, previousLastHash: previous.lastHash, previousRecords: previous.records });
    }
    if (this.tornTail) out.push({ ...base, event: "LOG_TAIL_TRUNCATED", ...this.tornTail });
    return out;
  }

  /** Appends one batch (what waited together), in order; if it fails, nothing of it stays in the file. */
  private async append(batch: AuditRecord[]): Promise<void> {
    let size = 0;
    let handle: FileHandle | undefined;
    try {
      // A failed recovery (the path was unusable then) is tried again now, not held against this batch.
      let known = await this.state.catch(() => this.recover());
      ({ handle, size } = await this.openFile());
      if (size !== this.sizeAfterLastWrite && size > 0) {
        const ends = await readChainEnds(this.path);
        known = { firstHash: ends.firstHash, lastHash: ends.lastHash, records: ends.records };
      }
      const lines: string[] = [];
      let next = size === 0 ? genesisHash : known.lastHash;
      for (const record of [...this.markers(known, size), ...batch]) {
        const line = JSON.stringify({ ...record, prevHash: next });
        lines.push(line);
        next = lineHash(line);
      }
      const bytes = Buffer.from(`${lines.join("\n")}\n`, "utf8");
      // A short write (a full disk part way) continues until every byte is down or the write throws.
      for (let written = 0; written < bytes.length; ) {
        const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
        if (bytesWritten === 0) throw new Error("audit write made no progress");
        written += bytesWritten;
      }
      if (this.options.fsync) await handle.sync();
      this.sizeAfterLastWrite = size + bytes.length;
      this.tornTail = undefined;
      const firstHash = size === 0 ? lineHash(lines[0] as string) : known.firstHash;
      this.state = Promise.resolve({ firstHash, lastHash: next, records: (size === 0 ? 0 : known.records) + lines.length });
      this.lastWriteError = undefined;
    } catch (error) {
      this.lastWriteError = error ?? new Error("audit write failed");
      // Cut back what part of the batch reached the file, so a full disk leaves no torn line to set aside.
      if (handle) await handle.truncate(size).catch(() => undefined);
      await this.closeFile();
      this.state = this.recovered();
      throw this.lastWriteError;
    }
  }

  /**
   * The open file, as long as it is still the one at the path (its inode, checked on every batch), so a
   * log moved, removed or replaced is reopened — never written into a file nobody reads. One stat per
   * batch: the size of the file at the path is the open file's size when the inodes match.
   */
  private async openFile(): Promise<{ handle: FileHandle; size: number }> {
    const onPath = await stat(this.path).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    });
    if (this.file && onPath?.ino === this.file.ino && onPath.dev === this.file.dev) return { handle: this.file.handle, size: onPath.size };
    await this.closeFile();
    const handle = await open(this.path, "a", 0o600);
    const opened = await handle.stat();
    this.file = { handle, ino: opened.ino, dev: opened.dev };
    return { handle, size: opened.size };
  }

  private async closeFile(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    await file?.handle.close().catch(() => undefined);
  }

  async check(): Promise<void> {
    if (this.stalled && !this.stalled.done) throw new AuditStallError("the audit file has not finished an earlier write");
    // Whatever the write threw (the check above narrowed its type to {}).
    if (this.lastWriteError !== undefined) throw this.lastWriteError as unknown;
    await this.state;
    // Opening for append finds a file replaced by a directory, a read-only mount or missing permissions.
    const handle = await open(this.path, "a", 0o600);
    await handle.close();
  }

  async close(): Promise<void> {
    await this.queue.idle();
    if (this.stalled && !this.stalled.done) return;
    await this.closeFile();
  }

  reader(): AuditReader {
    return new ListAuditReader(() => readJsonLines(this.path));
  }
}

import { closeSync, fstatSync, openSync, statSync, writeSync } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { Clock } from "../shared/clock";
import type { AuditEvent, AuditRecord, RequestMeta } from "./audit-event";
import { BatchQueue } from "./batch-queue";
import { lastLineHash, lineHash, setAsideTornTail } from "./hash-chain";
import { ListAuditReader, type AuditReader } from "./review/audit-reader";
import { readJsonLines } from "./review/file-records";

/** Where audit records go. A sink that cannot write must reject, so the auth operation fails with it. */
export interface AuditSink {
  write(record: AuditRecord): Promise<void>;
  close?(): Promise<void>;
  /** Readiness: rejects when records cannot be written now (a cheap probe, or the last write's outcome). */
  check?(): Promise<void>;
}

/** Marks a promise's rejection as handled (it is still seen by whoever awaits it later). */
const handled = <T>(promise: Promise<T>): Promise<T> => {
  promise.catch(() => undefined);
  return promise;
};

/**
 * Append-only JSON Lines file in which each record carries the SHA-256 of the line before it
 * (`prevHash`), so removing, reordering or editing a record breaks the chain (`npm run audit:verify`).
 * Records waiting together are appended in one write, in order. One file per gateway instance; the
 * admin CLI (actor `cli`) appends to the same file now and then, so before each write the sink checks
 * that the file still ends where its own last write did, and otherwise continues the chain from the file.
 *
 * At start, a partial last line (a crash or a full disk mid-write) is set aside into `<file>.torn-<time>`
 * and recorded as LOG_TAIL_TRUNCATED (its bytes' SHA-256), and the chain continues from the last complete
 * record. Any I/O error (EISDIR, EACCES, ENOSPC, EMFILE…) fails the writes waiting on it, never the process.
 */
export class HashChainedFileSink implements AuditSink {
  private readonly queue = new BatchQueue<AuditRecord>((records) => this.append(records));
  private prevHash: Promise<string>;
  private lastWriteError: unknown;
  private tornTail: { digest: string; bytes: number } | undefined;
  /** The file's size after this sink's last write; another size means another process appended. */
  private sizeAfterLastWrite: number | undefined;
  /** The file descriptor, kept open between batches. */
  private fd: number | undefined;

  constructor(private readonly path: string) {
    this.prevHash = handled(this.recover());
  }

  private async recover(): Promise<string> {
    await mkdir(dirname(this.path), { recursive: true });
    this.tornTail ??= await setAsideTornTail(this.path, Date.now());
    return lastLineHash(this.path);
  }

  write(record: AuditRecord): Promise<void> {
    return this.queue.push(record);
  }

  /** The record of a torn tail found at start: the first thing written into the continued chain. */
  private takeTornRecord(): AuditRecord[] {
    const torn = this.tornTail;
    if (!torn) return [];
    return [{ time: new Date().toISOString(), requestId: "audit-sink-start", ip: null, userAgent: null, event: "LOG_TAIL_TRUNCATED", outcome: "SUCCESS", digest: torn.digest, bytes: torn.bytes }];
  }

  /** Appends one batch (what waited together), in order; if it fails, nothing of it was recorded. */
  private async append(batch: AuditRecord[]): Promise<void> {
    try {
      let prev = await this.prevHash;
      const { fd, size } = this.openFile();
      if (size !== this.sizeAfterLastWrite) prev = await lastLineHash(this.path);
      const lines: string[] = [];
      let next = prev;
      for (const record of [...this.takeTornRecord(), ...batch]) {
        const line = JSON.stringify({ ...record, prevHash: next });
        lines.push(line);
        next = lineHash(line);
      }
      const bytes = Buffer.from(`${lines.join("\n")}\n`, "utf8");
      // A short write (a full disk part way) continues until every byte is down or the write throws.
      for (let written = 0; written < bytes.length; ) {
        const step = writeSync(fd, bytes, written, bytes.length - written);
        if (step === 0) throw new Error("audit write made no progress");
        written += step;
      }
      this.sizeAfterLastWrite = size + bytes.length;
      this.tornTail = undefined;
      this.prevHash = Promise.resolve(next);
      this.lastWriteError = undefined;
    } catch (error) {
      // The batch's operations fail (BatchQueue rejects each), and the chain continues from the file.
      this.lastWriteError = error ?? new Error("audit write failed");
      this.closeFile();
      this.prevHash = handled(this.recover());
      throw this.lastWriteError;
    }
  }

  /**
   * The open file, as long as it is still the one at the path: checked on every batch (the path's inode
   * against the open one), so a log moved, removed or replaced by something else is reopened — or the
   * write fails, as a fresh open would — never written into a file nobody reads.
   *
   * Synchronous on purpose, like the request log (pino writes its lines synchronously): a stat, an fstat and
   * an append to the page cache (no fsync, as before) take microseconds, where each hop to libuv's thread
   * pool cost ~0.1 ms of a login's latency on the bench machine — four of them per batch made the audit
   * trail half of a login's overhead (BENCHMARKS.md). The price: a disk that stalls a write now stalls the
   * event loop with it, not only the operations waiting for their record.
   */
  private openFile(): { fd: number; size: number } {
    if (this.fd !== undefined) {
      const onPath = statSync(this.path, { throwIfNoEntry: false });
      const opened = fstatSync(this.fd);
      if (onPath && onPath.ino === opened.ino && onPath.dev === opened.dev) return { fd: this.fd, size: opened.size };
      this.closeFile();
    }
    const fd = openSync(this.path, "a", 0o600);
    this.fd = fd;
    return { fd, size: fstatSync(fd).size };
  }

  private closeFile(): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch {
      // Already unusable: nothing more to release.
    }
  }

  async check(): Promise<void> {
    if (this.lastWriteError !== undefined) throw this.lastWriteError;
    await this.prevHash;
    // Opening for append finds a file replaced by a directory, a read-only mount or missing permissions.
    const handle = await open(this.path, "a", 0o600);
    await handle.close();
  }

  async close(): Promise<void> {
    await this.queue.idle();
    this.closeFile();
  }

  reader(): AuditReader {
    return new ListAuditReader(() => readJsonLines(this.path));
  }
}

export class MemorySink implements AuditSink {
  readonly records: AuditRecord[] = [];
  async write(record: AuditRecord): Promise<void> {
    this.records.push(record);
  }

  reader(): AuditReader {
    return new ListAuditReader(async () => this.records);
  }
}

/** Records auth events before the response is sent; if the sink fails, so does the operation. */
export class AuditLog {
  constructor(private readonly deps: { sink: AuditSink; clock: Clock }) {}

  async record(meta: RequestMeta, event: AuditEvent): Promise<void> {
    const record: AuditRecord = {
      time: new Date(this.deps.clock.now()).toISOString(),
      requestId: meta.requestId,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent ?? null,
      ...event,
    };
    try {
      await this.deps.sink.write(record);
    } catch (error) {
      throw new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "AUDIT_UNAVAILABLE" }, undefined, error);
    }
  }
}

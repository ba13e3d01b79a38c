import { appendFile, mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { Clock } from "../shared/clock";
import type { AuditEvent, AuditRecord, RequestMeta } from "./audit-event";
import { lastLineHash, lineHash } from "./hash-chain";

/** Where audit records go. A sink that cannot write must reject, so the auth operation fails with it. */
export interface AuditSink {
  write(record: AuditRecord): Promise<void>;
  close?(): Promise<void>;
}

type Pending = { record: AuditRecord; done: (error?: unknown) => void };

/**
 * Append-only JSON Lines file in which each record carries the SHA-256 of the line before it
 * (`prevHash`), so removing, reordering or editing a record breaks the chain (`npm run audit:verify`).
 * Records waiting together are appended in one write, in order. One file per gateway instance; the
 * admin CLI (actor `cli`) appends to the same file now and then, so before each write the sink checks
 * that the file still ends where its own last write did, and otherwise continues the chain from the file.
 */
export class HashChainedFileSink implements AuditSink {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private prevHash: Promise<string>;
  /** The file's size after this sink's last write; another size means another process appended. */
  private sizeAfterLastWrite: number | undefined;

  constructor(private readonly path: string) {
    this.prevHash = mkdir(dirname(path), { recursive: true }).then(() => lastLineHash(path));
  }

  write(record: AuditRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ record, done: (error) => (error === undefined ? resolve() : reject(error)) });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      let prev: string;
      let size: number;
      try {
        prev = await this.prevHash;
        size = await fileSize(this.path);
        if (size !== this.sizeAfterLastWrite) prev = await lastLineHash(this.path);
      } catch (error) {
        batch.forEach((p) => p.done(error));
        this.prevHash = lastLineHash(this.path);
        continue;
      }
      const lines: string[] = [];
      let next = prev;
      for (const { record } of batch) {
        const line = JSON.stringify({ ...record, prevHash: next });
        lines.push(line);
        next = lineHash(line);
      }
      const text = `${lines.join("\n")}\n`;
      try {
        await appendFile(this.path, text, { encoding: "utf8", mode: 0o600 });
        this.prevHash = Promise.resolve(next);
        this.sizeAfterLastWrite = size + Buffer.byteLength(text, "utf8");
        batch.forEach((p) => p.done());
      } catch (error) {
        // Nothing of the batch was recorded: its operations fail, and the chain continues from the file.
        this.prevHash = lastLineHash(this.path);
        batch.forEach((p) => p.done(error ?? new Error("audit write failed")));
      }
    }
    this.flushing = undefined;
  }

  async close(): Promise<void> {
    await this.flushing;
  }
}

const fileSize = (path: string): Promise<number> =>
  stat(path).then(
    (s) => s.size,
    (error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? 0 : Promise.reject(error)),
  );

export class MemorySink implements AuditSink {
  readonly records: AuditRecord[] = [];
  async write(record: AuditRecord): Promise<void> {
    this.records.push(record);
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

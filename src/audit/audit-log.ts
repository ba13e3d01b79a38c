import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { Clock } from "../shared/clock";
import type { AuditEvent, AuditRecord, RequestMeta } from "./audit-event";
import { lastLineHash, lineHash } from "./hash-chain";
import { ListAuditReader, type AuditReader } from "./review/audit-reader";
import { readJsonLines } from "./review/file-records";

/** Where audit records go. A sink that cannot write must reject, so the auth operation fails with it. */
export interface AuditSink {
  write(record: AuditRecord): Promise<void>;
  close?(): Promise<void>;
  /** Readiness probe: resolves when a write could succeed now (within the sink's deadline), else rejects. */
  check?(): Promise<void>;
}

type Pending = { record: AuditRecord; done: (error?: unknown) => void };

/**
 * Append-only JSON Lines file in which each record carries the SHA-256 of the line before it
 * (`prevHash`), so removing, reordering or editing a record breaks the chain (`npm run audit:verify`).
 * Records waiting together are appended in one write, in order. One file per gateway instance: two
 * processes appending to one file would interleave two chains.
 */
export class HashChainedFileSink implements AuditSink {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private prevHash: Promise<string>;

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
      try {
        prev = await this.prevHash;
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
      try {
        await appendFile(this.path, `${lines.join("\n")}\n`, { encoding: "utf8", mode: 0o600 });
        this.prevHash = Promise.resolve(next);
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

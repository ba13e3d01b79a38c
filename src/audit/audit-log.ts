import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { Clock } from "../shared/clock";
import type { AuditEvent, AuditRecord, RequestMeta } from "./audit-event";
import { BatchQueue } from "./batch-queue";
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

/**
 * Append-only JSON Lines file in which each record carries the SHA-256 of the line before it
 * (`prevHash`), so removing, reordering or editing a record breaks the chain (`npm run audit:verify`).
 * Records waiting together are appended in one write, in order. One file per gateway instance: two
 * processes appending to one file would interleave two chains.
 */
export class HashChainedFileSink implements AuditSink {
  private readonly queue = new BatchQueue<AuditRecord>((records) => this.append(records));
  private prevHash: Promise<string>;

  constructor(private readonly path: string) {
    this.prevHash = mkdir(dirname(path), { recursive: true }).then(() => lastLineHash(path));
  }

  write(record: AuditRecord): Promise<void> {
    return this.queue.push(record);
  }

  private async append(records: AuditRecord[]): Promise<void> {
    try {
      let next = await this.prevHash;
      const lines = records.map((record) => {
        const line = JSON.stringify({ ...record, prevHash: next });
        next = lineHash(line);
        return line;
      });
      await appendFile(this.path, `${lines.join("\n")}\n`, { encoding: "utf8", mode: 0o600 });
      this.prevHash = Promise.resolve(next);
    } catch (error) {
      // Nothing of the batch was recorded: its operations fail, and the chain continues from the file.
      this.prevHash = lastLineHash(this.path);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.queue.idle();
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

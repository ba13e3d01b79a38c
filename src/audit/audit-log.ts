import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { Clock } from "../shared/clock";
import type { AuditEvent, AuditRecord, RequestMeta } from "./audit-event";

/** Where audit records go. A sink that cannot write must reject, so the auth operation fails with it. */
export interface AuditSink {
  write(record: AuditRecord): Promise<void>;
  close?(): Promise<void>;
}

/** Append-only JSON Lines file; writes are serialised so records never interleave. */
export class JsonlFileSink implements AuditSink {
  private queue: Promise<void> = Promise.resolve();
  private ready: Promise<unknown>;

  constructor(private readonly path: string) {
    this.ready = mkdir(dirname(path), { recursive: true });
  }

  write(record: AuditRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const next = this.queue.then(async () => {
      await this.ready;
      await appendFile(this.path, line, { encoding: "utf8", mode: 0o600 });
    });
    this.queue = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    await this.queue;
  }
}

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

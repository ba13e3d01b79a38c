import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { Clock } from "../shared/clock";
import type { AuditEvent, AuditRecord, RequestMeta } from "./audit-event";
import type { AuditSpool } from "./audit-spool";
import { ListAuditReader, type AuditReader } from "./review/audit-reader";

export { HashChainedFileSink } from "./file-sink";

/** Where audit records go. A sink that cannot write must reject, so the auth operation fails with it. */
export interface AuditSink {
  write(record: AuditRecord): Promise<void>;
  close?(): Promise<void>;
  /** Readiness: rejects when records cannot be written now (a cheap probe, or the last write's outcome). */
  check?(): Promise<void>;
}

export class MemorySink implements AuditSink {
  readonly records: AuditRecord[] = [];
  write(record: AuditRecord): Promise<void> {
    this.records.push(record);
    return Promise.resolve();
  }

  reader(): AuditReader {
    return new ListAuditReader(() => Promise.resolve(this.records));
  }
}

/** Where an outcome record went: the sink, the local spool (shipped later), or nowhere. */
export type OutcomeWritten = "written" | "spooled" | "lost";

/** A record that must not wait on the audit sink tries it this long before it goes to the spool. */
const protectedWaitMs = 250;

const within = <T>(ms: number, work: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
};

type AuditLogDeps = {
  sink: AuditSink;
  clock: Clock;
  /** Local fsync'd spool for records that must not be lost or wait (absent: they fail like the others). */
  spool?: Pick<AuditSpool, "append" | "backlog">;
  onLostOutcome?: () => void;
};

/** Records auth events before the response is sent; if the sink fails, so does the operation. */
export class AuditLog {
  constructor(private readonly deps: AuditLogDeps) {}

  private toRecord(meta: RequestMeta, event: AuditEvent): AuditRecord {
    return {
      time: new Date(this.deps.clock.now()).toISOString(),
      requestId: meta.requestId,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent ?? null,
      ...event,
    };
  }

  async record(meta: RequestMeta, event: AuditEvent): Promise<void> {
    try {
      await this.deps.sink.write(this.toRecord(meta, event));
    } catch (error) {
      throw new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "AUDIT_UNAVAILABLE" }, undefined, error);
    }
  }

  /**
   * An outcome (the effect already happened): to the sink, else to the spool, so the trail ends up saying
   * what the client is told. While the spool has a backlog, straight to the spool (records stay in order).
   */
  async recordOutcome(meta: RequestMeta, event: AuditEvent): Promise<OutcomeWritten> {
    const record = this.toRecord(meta, event);
    const { spool } = this.deps;
    if (!spool || spool.backlog === 0) {
      try {
        await this.deps.sink.write(record);
        return "written";
      } catch {
        if (!spool) return this.lost();
      }
    }
    try {
      await spool.append(record);
      return "spooled";
    } catch {
      return this.lost();
    }
  }

  /**
   * Ending a session, disabling an account, locking: never waits on the sink (a short try, then the
   * spool). Without a spool it is an ordinary record (fails with SERVICE_UNAVAILABLE).
   */
  async recordProtected(meta: RequestMeta, event: AuditEvent): Promise<void> {
    const { spool } = this.deps;
    if (!spool) return this.record(meta, event);
    const record = this.toRecord(meta, event);
    try {
      if (spool.backlog > 0) throw new Error("the spool has a backlog: keep the order");
      await within(protectedWaitMs, this.deps.sink.write(record));
    } catch {
      try {
        await spool.append(record);
      } catch (error) {
        throw new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "AUDIT_UNAVAILABLE" }, undefined, error);
      }
    }
  }

  private lost(): OutcomeWritten {
    this.deps.onLostOutcome?.();
    return "lost";
  }
}

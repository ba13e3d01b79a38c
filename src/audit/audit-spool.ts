import { truncate } from "node:fs/promises";
import type { AuditRecord } from "./audit-event";
import type { AuditSink } from "./audit-log";
import { HashChainedFileSink } from "./file-sink";
import { readChainEnds } from "./hash-chain";
import { readJsonLines } from "./review/file-records";

/** How long a failed shipment waits before the next try (the next spooled record also tries at once). */
const retryMs = 1000;

/**
 * A local, fsync'd, hash-chained file for the records that must never wait on the audit sink (a session
 * ended, an account disabled or locked, an outcome the sink missed). Its records are shipped to the sink in
 * order, oldest first, as soon as the sink takes writes again; the file is emptied only once everything in
 * it was shipped. A death between shipping and emptying ships those records again at the next start (at
 * least once: a duplicate, never a loss).
 */
export class AuditSpool {
  private readonly file: HashChainedFileSink;
  private count = 0;
  private shipped = 0;
  private shipping: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private lock: Promise<unknown> = Promise.resolve();
  private closed = false;
  lastShipError: unknown;

  private constructor(
    private readonly path: string,
    private readonly sink: AuditSink,
    private readonly onBacklog: (records: number) => void,
    writeTimeoutMs: number,
  ) {
    // A deadline here too: a spool on a stalled disk fails the operation (503) rather than hang it.
    this.file = new HashChainedFileSink(path, { fsync: true, continuationRecords: false, writeTimeoutMs });
  }

  /** Opens the spool and ships what a previous run left in it. */
  static async open(path: string, sink: AuditSink, onBacklog: (records: number) => void = () => undefined, writeTimeoutMs = 2000): Promise<AuditSpool> {
    const spool = new AuditSpool(path, sink, onBacklog, writeTimeoutMs);
    spool.count = (await readChainEnds(path)).records;
    spool.onBacklog(spool.count);
    if (spool.count > 0) spool.kick();
    return spool;
  }

  /** Records not yet shipped to the sink. */
  get backlog(): number {
    return this.count;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Appends (fsync'd) and starts shipping; rejects only when the local disk refuses the record too. */
  async append(record: AuditRecord): Promise<void> {
    await this.exclusive(() => this.file.write(record));
    this.count += 1;
    this.onBacklog(this.count);
    this.kick();
  }

  kick(): void {
    if (this.closed || this.shipping) return;
    clearTimeout(this.retry);
    this.shipping = this.ship()
      .catch((error: unknown) => {
        this.lastShipError = error;
        if (!this.closed) this.retry = setTimeout(() => this.kick(), retryMs).unref();
      })
      .finally(() => (this.shipping = undefined));
  }

  /** Ships every record past those already shipped, in order; empties the file when nothing new came in. */
  private async ship(): Promise<void> {
    for (;;) {
      const records = (await readJsonLines(this.path)).filter((r) => r.event !== "LOG_CONTINUED");
      for (const record of records.slice(this.shipped)) {
        await this.sink.write(record);
        this.shipped += 1;
      }
      this.lastShipError = undefined;
      const emptied = await this.exclusive(async () => {
        if ((await readChainEnds(this.path)).records > this.shipped) return false;
        await truncate(this.path, 0);
        this.shipped = 0;
        this.count = 0;
        return true;
      });
      this.onBacklog(this.count);
      if (emptied) return;
    }
  }

  /** Waits for a shipment under way (a sink that is down stays down: the records stay in the file). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.shipping;
    await this.file.close();
  }
}

import { MemorySink } from "../../src/audit/audit-log";
import type { AuditRecord } from "../../src/audit/audit-event";

/** An audit sink that refuses the records `failWhen` picks (as a full or read-only disk would), and keeps the rest. */
export class FailingSink extends MemorySink {
  failWhen: (record: AuditRecord) => boolean = () => false;
  override async write(record: AuditRecord): Promise<void> {
    if (this.failWhen(record)) throw new Error("ENOSPC: no space left on device");
    await super.write(record);
  }
}

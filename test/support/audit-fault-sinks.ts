import { MemorySink } from "../../src/audit/audit-log";
import type { AuditRecord } from "../../src/audit/audit-event";
import { AuditStallError } from "../../src/audit/file-sink";

/**
 * An audit sink that takes the records `stallWhen` does not pick and, for the ones it picks, hangs until
 * `deadlineMs` and then fails as the file sink does on a stalled disk (AuditStallError). `refuseAll` makes
 * every write fail at once (a disk that refuses writes).
 */
export class StallingSink extends MemorySink {
  stallWhen: (record: AuditRecord) => boolean = () => false;
  refuseAll = false;
  constructor(private readonly deadlineMs = 200) {
    super();
  }
  override async write(record: AuditRecord): Promise<void> {
    if (this.refuseAll) throw new Error("EROFS: read-only file system");
    if (this.stallWhen(record)) {
      await new Promise((resolve) => setTimeout(resolve, this.deadlineMs));
      throw new AuditStallError("the audit file did not take a write in time");
    }
    await super.write(record);
  }
}

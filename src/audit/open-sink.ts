import type { AuditDatabaseSettings } from "../shared/settings";
import type { Clock } from "../shared/clock";
import { HashChainedFileSink, type AuditSink } from "./audit-log";
import { openPostgresSink } from "./postgres/open-postgres";

/** The configured sink: PostgreSQL when AUDIT_DATABASE_URL is set, else the hash-chained file. */
export const openAuditSink = async (settings: { auditLogFile: string; auditWriteTimeoutMs?: number; auditDatabase?: AuditDatabaseSettings | undefined }, clock: Clock): Promise<AuditSink> =>
  settings.auditDatabase ? openPostgresSink(settings.auditDatabase, clock) : new HashChainedFileSink(settings.auditLogFile, { writeTimeoutMs: settings.auditWriteTimeoutMs ?? 2000 });

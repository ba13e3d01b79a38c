import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { loadConfig } from "../../config";
import { systemClock } from "../../shared/clock";
import { AuditLog } from "../audit-log";
import { archiveExpired } from "./archive";
import { resolveChainKey } from "./chain-key";
import { createAuditPool, openPostgresSink } from "./open-postgres";

const usage = "usage: npm run audit:archive -- --dry-run | --apply   (AUDIT_DATABASE_URL with the table owner's role; AUDIT_RETENTION_DAYS)\n";

/** Lists or drops the monthly partitions older than the retention. Exit 0 done, 1 failed, 2 usage. */
const main = async (): Promise<number> => {
  const { values } = parseArgs({ options: { "dry-run": { type: "boolean" }, apply: { type: "boolean" } } });
  if (Boolean(values["dry-run"]) === Boolean(values.apply)) {
    process.stderr.write(usage);
    return 2;
  }
  const settings = loadConfig().auditDatabase;
  if (!settings) {
    process.stderr.write(`AUDIT_DATABASE_URL is not set.\n${usage}`);
    return 2;
  }
  // The job writes its own AUDIT_ARCHIVE record, on its own stream, before it reports.
  const sink = await openPostgresSink(settings, systemClock, `archive-${randomUUID().slice(0, 8)}`);
  const pool = createAuditPool({ ...settings, writeTimeoutMs: 10 * 60_000 }, "audit:archive", 1);
  try {
    const plan = await archiveExpired({
      pool,
      schema: settings.schema,
      audit: new AuditLog({ sink, clock: systemClock }),
      meta: { requestId: `audit-archive-${randomUUID()}`, ip: undefined, userAgent: "npm run audit:archive" },
      now: systemClock.now(),
      retentionDays: settings.retentionDays,
      apply: Boolean(values.apply),
      chainKey: resolveChainKey(settings, { create: false }),
    });
    process.stdout.write(`retention ${settings.retentionDays} days: records before ${plan.cutoff.toISOString()} may go\n`);
    for (const p of plan.partitions) process.stdout.write(`${plan.applied ? "dropped" : "would drop"} ${p.name} (${p.from.toISOString().slice(0, 7)}, ${p.rows} records)\n`);
    if (plan.partitions.length === 0) process.stdout.write("nothing has expired\n");
    return 0;
  } finally {
    await pool.end();
    await sink.close();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`audit:archive failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

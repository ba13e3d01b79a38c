import { loadConfig } from "../config";
import { migrateRecords } from "./migrations";
import { createDatabasePool } from "./pool";
import { migrate } from "../audit/postgres/migrations";
import { createAuditPool } from "../audit/postgres/open-postgres";

/**
 * `npm run migrate` (run with the owner's role): applies the audit schema's migrations (AUDIT_DATABASE_URL) and
 * the lasting records' (DATABASE_URL), each in its own schema.
 */
const main = async (): Promise<number> => {
  const config = loadConfig();
  if (!config.auditDatabase && !config.database) {
    process.stderr.write("Neither AUDIT_DATABASE_URL nor DATABASE_URL is set: nothing to migrate (the file sink and the state store need none).\n");
    return 2;
  }
  if (config.auditDatabase) {
    const settings = config.auditDatabase;
    const pool = createAuditPool({ ...settings, writeTimeoutMs: 60_000 }, "audit:migrate", 1);
    try {
      const applied = await migrate(pool, settings.schema);
      process.stdout.write(applied.length ? `audit: applied ${applied.join(", ")}\n` : `audit: schema ${settings.schema} is up to date\n`);
    } finally {
      await pool.end();
    }
  }
  if (config.database) {
    const settings = config.database;
    const pool = createDatabasePool({ url: settings.url, statementTimeoutMs: 60_000 }, "records:migrate", undefined, 1);
    try {
      const applied = await migrateRecords(pool, settings.schema);
      process.stdout.write(applied.length ? `records: applied ${applied.join(", ")}\n` : `records: schema ${settings.schema} is up to date\n`);
    } finally {
      await pool.end();
    }
  }
  return 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

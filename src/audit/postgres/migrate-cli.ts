import { loadConfig } from "../../config";
import { migrate } from "./migrations";
import { createAuditPool } from "./open-postgres";

/** `npm run migrate`: applies the audit schema's migrations (run with the owner's role). */
const main = async (): Promise<number> => {
  const settings = loadConfig().auditDatabase;
  if (!settings) {
    process.stderr.write("AUDIT_DATABASE_URL is not set: nothing to migrate (the file sink needs none).\n");
    return 2;
  }
  const pool = createAuditPool({ ...settings, writeTimeoutMs: 60_000 }, "audit:migrate", 1);
  try {
    const applied = await migrate(pool, settings.schema);
    process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : `schema ${settings.schema} is up to date\n`);
    return 0;
  } finally {
    await pool.end();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Pool } from "pg";
import { guardPool } from "../../../src/shared/guard-pool";
import { migrations } from "../../../src/db/migrations";
import { scratchDatabase } from "../../support/records-db";

const migrateCli = join(__dirname, "../../../dist/db/migrate-cli.js");
const run = (env: Record<string, string>) => spawnSync(process.execPath, [migrateCli], { env: { PATH: process.env["PATH"], ...env }, encoding: "utf8" });

/** `npm run migrate` applies the audit schema and the lasting records' (each in its own schema), once. */
describe("npm run migrate", () => {
  it("applies both schemas' versioned migrations, then finds them up to date", async () => {
    const db = await scratchDatabase();
    try {
      const env = { DATABASE_URL: db.url, AUDIT_DATABASE_URL: db.url };
      const first = run(env);
      expect(first.status).toBe(0);
      expect(first.stdout).toContain("audit: applied 001-append-only-events");
      expect(first.stdout).toContain(`records: applied ${migrations.map((m) => m.id).join(", ")}`);
      const second = run(env);
      expect(second.stdout).toContain("audit: schema audit is up to date");
      expect(second.stdout).toContain("records: schema gateway is up to date");

      const admin = guardPool(new Pool({ connectionString: db.url, max: 1 }));
      const { rows } = await admin.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'gateway' ORDER BY table_name");
      await admin.end();
      expect(rows.map((r) => r.table_name)).toEqual(["account_flags", "account_locks", "email_changes", "emergency_grants", "enrolled_totp", "outbox", "passkeys", "password_records", "recovery_codes", "schema_migrations", "store_generation", "store_generation_of"]);
    } finally {
      await db.drop();
    }
  });

  it("says there is nothing to migrate without a database URL (exit 2)", () => {
    const result = run({});
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("nothing to migrate");
  });
});

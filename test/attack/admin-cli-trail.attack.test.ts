import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { MeDocument } from "../generated/graphql";
import { testCognito } from "../setup/test-cognito";
import { auditDb, type AuditDb } from "../support/audit-db";
import { dataOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser } from "../support/users";

/**
 * Issue 22 row 5: with AUDIT_DATABASE_URL set, `npm run admin` must write to the central PostgreSQL trail,
 * as the admin* mutations do; it used to build its own services and always write a local file, so group
 * grants (admin included) were missing from the trail. The built CLI runs as an operator runs it.
 */
const cliMain = join(__dirname, "../../dist/cli/admin-cli.js");
const run = promisify(execFile);

let gw: TestGateway;
let db: AuditDb;
let dir: string;
beforeAll(async () => {
  gw = await startTestGateway();
  db = auditDb();
  dir = mkdtempSync(join(tmpdir(), "admin-cli-trail-"));
});
afterAll(async () => {
  await gw?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("ATTACK: a group grant by the admin CLI missing from the PostgreSQL trail", () => {
  it("npm run admin -- grant … with AUDIT_DATABASE_URL: the grant's INTENT and SUCCESS are in the PostgreSQL trail, not in a local file", async () => {
    expect(existsSync(cliMain)).toBe(true);
    const user = await enrolledUser(gw);
    const sub = dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
    const auditFile = join(dir, "audit.jsonl");
    const env = {
      PATH: process.env["PATH"],
      LOCAL_COGNITO_PORT: new URL(testCognito().endpoint).port,
      AUDIT_LOG_FILE: auditFile,
      AUDIT_DATABASE_URL: db.settings.url,
      AUDIT_DATABASE_SCHEMA: db.settings.schema,
      AUDIT_CHAIN_KEY: "a-test-audit-chain-key-of-at-least-32-bytes-000",
      LOCAL_COGNITO_DIR: dir,
    };
    const { stdout } = await run(process.execPath, [cliMain, "grant", user.email, "admin"], { env, timeout: 60_000 });
    expect(stdout).toContain(`Granted admin to ${user.email}`);

    const { rows } = await db.admin.query<{ event: string; outcome: string; actor: string; subject: string; reason: string | null }>(
      `SELECT event, outcome, actor, subject, record->>'reason' AS reason FROM "${db.settings.schema}".audit_events WHERE subject = $1 ORDER BY stream, seq`,
      [sub],
    );
    expect(rows.map((r) => [r.event, r.outcome, r.actor, r.reason])).toEqual([
      ["ADMIN_ADD_TO_GROUP", "INTENT", "cli", null],
      ["ADMIN_ADD_TO_GROUP", "SUCCESS", "cli", "admin"],
    ]);
    // The CLI's stream is closed with a checkpoint, like a gateway's at shutdown.
    const { rows: closed } = await db.admin.query(`SELECT kind FROM "${db.settings.schema}".audit_checkpoints WHERE kind = 'CLOSE'`);
    expect(closed.length).toBeGreaterThan(0);
    expect(existsSync(auditFile)).toBe(false);
  });
});

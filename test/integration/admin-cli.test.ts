import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditRecord } from "../../src/audit/audit-event";
import { verifyChain } from "../../src/audit/hash-chain";
import { main } from "../../src/cli/admin-cli";
import { createAdminContext } from "../../src/cli/admin-context";
import { parseAdminArgs, runAdminCommand, UsageError } from "../../src/cli/admin-commands";
import { loadConfig } from "../../src/config";
import type { RedisStore } from "../../src/store/redis-store";
import { MeDocument, UsersDocument } from "../generated/graphql";
import { testCognito } from "../setup/test-cognito";
import { dataOf, errorOf } from "../support/graphql-client";
import { freePort } from "../support/ports";
import { startTestGateway, testRedisStore, type TestGateway } from "../support/test-gateway";
import { enrolledUser, loginWithMfa } from "../support/users";

/** The environment `npm start` would have in dev mode, pointed at the run's cognito-local. */
const devEnv = (auditLogFile: string): NodeJS.ProcessEnv => ({ LOCAL_COGNITO_PORT: new URL(testCognito().endpoint).port, AUDIT_LOG_FILE: auditLogFile });

const output = () => {
  let text = "";
  return { write: (chunk: string) => (text += chunk), get text() { return text; } };
};

describe("npm run admin (dev mode, against the running gateway's cognito-local)", () => {
  let gw: TestGateway;
  let store: RedisStore;
  let dir: string;
  let auditFile: string;
  beforeAll(async () => {
    // The gateway and the CLI share the state store, as they do with REDIS_URL.
    store = testRedisStore();
    gw = await startTestGateway({ store });
    dir = mkdtempSync(join(tmpdir(), "admin-cli-"));
    auditFile = join(dir, "audit.jsonl");
  });
  afterAll(async () => {
    await gw?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = async (...args: string[]) => {
    const out = output();
    const context = await createAdminContext(loadConfig(devEnv(auditFile)), { store });
    try {
      return { code: await runAdminCommand(parseAdminArgs(args), { ...context, out }), text: out.text };
    } finally {
      await context.close();
    }
  };

  it("grants admin by email, the next sign-in carries it, and revoking ends the sessions at once", async () => {
    const user = await enrolledUser(gw);
    const sub = dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
    expect(errorOf(await gw.run(UsersDocument, {}, { token: user.accessToken })).extensions.code).toBe("FORBIDDEN");

    const granted = await cli("grant", user.email.toUpperCase(), "admin");
    expect(granted).toEqual({ code: 0, text: expect.stringContaining(`Granted admin to ${user.email} (sub ${sub})`) });
    const asAdmin = (await loginWithMfa(gw, user)).tokens!;
    expect(dataOf(await gw.run(MeDocument, {}, { token: asAdmin.accessToken })).me.groups).toContain("admin");
    expect(dataOf(await gw.run(UsersDocument, {}, { token: asAdmin.accessToken })).users.nodes.length).toBeGreaterThan(0);

    const listed = await cli("list", "admin");
    expect(listed.code).toBe(0);
    expect(listed.text).toContain(`${user.email}\t${sub}\tCONFIRMED\tadmin`);
    expect((await cli("list", "patient")).text).not.toContain(user.email);

    const revoked = await cli("revoke", user.email, "admin");
    expect(revoked.text).toContain("sessions at the gateway were ended");
    expect(errorOf(await gw.run(MeDocument, {}, { token: asAdmin.accessToken })).extensions.reason).toBe("TOKEN_REVOKED");
    const again = (await loginWithMfa(gw, user)).tokens!;
    expect(dataOf(await gw.run(MeDocument, {}, { token: again.accessToken })).me.groups).not.toContain("admin");

    // Audited as the gateway audits an administrator, with actor `cli`, in one valid chain, without the email.
    const records = readFileSync(auditFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as AuditRecord);
    expect(records.filter((r) => r.subject === sub).map((r) => [r.event, r.outcome, r.actor, r.reason])).toEqual([
      ["ADMIN_ADD_TO_GROUP", "INTENT", "cli", undefined],
      ["ADMIN_ADD_TO_GROUP", "SUCCESS", "cli", "admin"],
      ["ADMIN_REMOVE_FROM_GROUP", "INTENT", "cli", undefined],
      ["ADMIN_REMOVE_FROM_GROUP", "SUCCESS", "cli", "admin"],
    ]);
    expect(records.every((r) => r.actor === "cli" && /^admin-cli \(os user .+\)$/.test(r.userAgent ?? ""))).toBe(true);
    expect(readFileSync(auditFile, "utf8")).not.toContain(user.email);
    expect((await verifyChain(auditFile)).ok).toBe(true);
    // Three MFA sign-ins of one account: near a TOTP step boundary freshCode waits for the next step.
  }, 90_000);

  it("says so when no account has the email, and changes nothing", async () => {
    const err = output();
    expect(await main(["grant", "nobody-here@example.test", "provider"], devEnv(auditFile), output(), err)).toBe(1);
    expect(err.text).toBe("No account with that email. It must sign up first (register and confirm).\n");
  });

  it("refuses wrong usage with exit code 2 and the usage text", async () => {
    const err = output();
    expect(await main(["grant", "someone@example.test", "superuser"], devEnv(auditFile), output(), err)).toBe(2);
    expect(err.text).toMatch(/^grant needs an email and one of admin, provider, patient\.\nUsage: npm run admin/);
    expect(() => parseAdminArgs(["promote", "a@b.c"])).toThrow(UsageError);
    expect(() => parseAdminArgs(["list", "superuser"])).toThrow(UsageError);
    expect(parseAdminArgs([])).toEqual({ verb: "help" });
  });

  it("tells the operator to start the dev gateway when its cognito-local is not running", async () => {
    const err = output();
    const port = await freePort();
    expect(await main(["list"], { LOCAL_COGNITO_PORT: String(port), AUDIT_LOG_FILE: auditFile }, output(), err)).toBe(1);
    expect(err.text).toContain(`No dev gateway is running: cognito-local does not answer on http://127.0.0.1:${port} (LOCAL_COGNITO_PORT / LOCAL_COGNITO_URL). Start it with npm start`);
  });

  it("warns that a revoke cannot end sessions when it does not share the gateway's store", async () => {
    const user = await enrolledUser(gw);
    await cli("grant", user.email, "provider");
    const out = output();
    expect(await main(["revoke", user.email, "provider"], devEnv(auditFile), out, output())).toBe(0);
    expect(out.text).toContain("Warning: this CLI does not share the gateway's session store (no REDIS_URL)");
  });
});

import { mkdirSync, mkdtempSync, renameSync, rmSync, rmdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HashChainedFileSink } from "../../src/audit/audit-log";
import { verifyChain } from "../../src/audit/hash-chain";
import { readJsonLines } from "../../src/audit/review/file-records";
import { AdminDisableUserDocument, LogoutDocument, LogoutEverywhereDocument, MeDocument } from "../generated/graphql";
import { waitFor } from "../support/gateway-process";
import { dataOf, errorOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { adminUser, enrolledUser } from "../support/users";

/**
 * Issue 22 row 11: while the audit file refuses writes (its path turned into a directory: EISDIR, as a
 * read-only or replaced volume would), ending a session and disabling an account still take effect at
 * once; their records wait in the local spool and reach the trail, in order and chained, when it is back.
 */
describe("attack: the audit sink refuses writes while sessions are ended", () => {
  let dir: string;
  let gw: TestGateway;
  let trail: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "spool-attack-"));
    trail = join(dir, "audit.jsonl");
    gw = await startTestGateway({ auditSink: new HashChainedFileSink(trail), settings: { auditSpoolFile: join(dir, "spool", "audit-spool.jsonl") } });
  });
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("logout, logoutEverywhere and adminDisableUser succeed, the sessions are dead, and the trail gets their records in order", async () => {
    const admin = await adminUser(gw);
    const [one, two, three] = [await enrolledUser(gw), await enrolledUser(gw), await enrolledUser(gw)];
    const threeSub = dataOf(await gw.run(MeDocument, {}, { token: three.accessToken })).me.sub;

    renameSync(trail, `${trail}.kept`);
    mkdirSync(trail);
    try {
      expect(dataOf(await gw.run(LogoutDocument, {}, { token: one.accessToken })).logout).toBe(true);
      expect(dataOf(await gw.run(LogoutEverywhereDocument, {}, { token: two.accessToken })).logoutEverywhere).toBe(true);
      expect(dataOf(await gw.run(AdminDisableUserDocument, { userId: threeSub }, { token: admin.accessToken })).adminDisableUser).toBe(true);
      for (const user of [one, two, three]) expect(errorOf(await gw.run(MeDocument, {}, { token: user.accessToken })).extensions.code).toBe("UNAUTHENTICATED");
    } finally {
      rmdirSync(trail);
      renameSync(`${trail}.kept`, trail);
    }

    await waitFor(async () => (await readJsonLines(trail)).some((r) => r.event === "ADMIN_DISABLE_USER" && r.outcome === "SUCCESS"), "the spooled records are shipped");
    const shipped = (await readJsonLines(trail)).filter((r) => ["LOGOUT", "LOGOUT_EVERYWHERE", "ADMIN_DISABLE_USER"].includes(r.event));
    expect(shipped.map((r) => `${r.event}:${r.outcome}`)).toEqual([
      "LOGOUT:INTENT",
      "LOGOUT:SUCCESS",
      "LOGOUT_EVERYWHERE:INTENT",
      "LOGOUT_EVERYWHERE:SUCCESS",
      "ADMIN_DISABLE_USER:INTENT",
      "ADMIN_DISABLE_USER:SUCCESS",
    ]);
    expect(shipped.find((r) => r.event === "ADMIN_DISABLE_USER")).toMatchObject({ subject: threeSub, actor: admin.sub });
    expect(await verifyChain(trail)).toMatchObject({ ok: true });
  });
});

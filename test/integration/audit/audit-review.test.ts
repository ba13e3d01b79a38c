import { openPostgresSink } from "../../../src/audit/postgres/open-postgres";
import * as ops from "../../generated/graphql";
import { auditDb, type AuditDb } from "../../support/audit-db";
import { dataOf, errorOf } from "../../support/graphql-client";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { adminStepUp, adminUser, enrolledUser, loginWithMfa, PASSWORD, type EnrolledUser } from "../../support/users";

const userAgent = { "user-agent": "review-test/1.0" };

describe("audit review (PostgreSQL sink)", () => {
  let db: AuditDb;
  let gw: TestGateway;
  let admin: EnrolledUser & { sub: string };
  let user: EnrolledUser & { sub: string };

  beforeAll(async () => {
    db = auditDb();
    gw = await startTestGateway({ auditSink: await openPostgresSink(db.settings, { now: () => Date.now() }) });
    admin = await adminUser(gw);
    const enrolled = await enrolledUser(gw);
    user = { ...enrolled, sub: dataOf(await gw.run(ops.MeDocument, {}, { token: enrolled.accessToken })).me.sub };
    // From a browser-like client: a wrong MFA code, then enough wrong passwords to lock the account.
    const login = dataOf(await gw.run(ops.LoginDocument, { email: user.email, password: PASSWORD }, { headers: userAgent })).login;
    await gw.run(ops.RespondToMfaDocument, { session: login.challenge!.session, code: "000000" }, { headers: userAgent });
    for (let i = 0; i < 5; i++) await gw.run(ops.LoginDocument, { email: user.email, password: "Wrong-Passw0rd-!!" }, { headers: userAgent });
    dataOf(await gw.run(ops.AdminUnlockUserDocument, { userId: user.sub, ...(await adminStepUp(admin)) }, { token: admin.accessToken }));
    await loginWithMfa(gw, user);
  }, 120_000); // sign-ups, MFA and a lockout: over jest's 30 s default on a loaded machine
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  const asAdmin = () => ({ token: admin.accessToken });

  it("pages through a subject's records, newest first, with opaque cursors", async () => {
    // Each listing writes an AUDIT_READ about this subject: bound the window so the listings compare.
    const filter = { subject: user.sub, to: new Date().toISOString() };
    const all = dataOf(await gw.run(ops.AuditEventsDocument, { filter, first: 100 }, asAdmin())).auditEvents;
    expect(all.pageInfo.hasNextPage).toBe(false);
    expect(all.nodes.length).toBeGreaterThanOrEqual(5);
    expect(all.nodes.every((n) => n.subject === user.sub)).toBe(true);
    const times = all.nodes.map((n) => n.time);
    expect([...times].sort().reverse()).toEqual(times);

    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = dataOf(await gw.run(ops.AuditEventsDocument, { filter, first: 2, after }, asAdmin())).auditEvents;
      expect(page.nodes.length).toBeLessThanOrEqual(2);
      seen.push(...page.nodes.map((n) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(seen).toEqual(all.nodes.map((n) => n.id));
  });

  it("filters by event, outcome, actor and time", async () => {
    const run = async (filter: ops.AuditEventFilter) => dataOf(await gw.run(ops.AuditEventsDocument, { filter, first: 100 }, asAdmin())).auditEvents.nodes;
    const challenges = await run({ subject: user.sub, event: "LOGIN", outcome: "CHALLENGE" });
    expect(challenges.length).toBeGreaterThanOrEqual(1);
    expect(challenges.every((n) => n.event === "LOGIN" && n.outcome === "CHALLENGE")).toBe(true);
    expect(await run({ subject: user.sub, event: "LOCKOUT" })).toEqual([expect.objectContaining({ reason: "FAILURES:5", userAgent: "review-test/1.0" })]);
    const reads = await run({ event: "AUDIT_READ", actor: admin.sub });
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(reads.every((n) => n.actor === admin.sub && n.target === "auditEvents")).toBe(true);
    const latest = (await run({ subject: user.sub }))[0]!;
    // The deprecated String bounds keep working until 2.0 (fromTime/toTime replace them).
    /* eslint-disable @typescript-eslint/no-deprecated -- the deprecated fields are what this checks */
    expect(await run({ subject: user.sub, from: latest.time })).toEqual(expect.arrayContaining([expect.objectContaining({ id: latest.id })]));
    expect((await run({ subject: user.sub, to: latest.time })).map((n) => n.id)).not.toContain(latest.id);
    expect(await run({ subject: user.sub, from: "2000-01-01T00:00:00Z", to: "2000-01-02T00:00:00Z" })).toEqual([]);
    /* eslint-enable @typescript-eslint/no-deprecated */
  });

  it("audits every read before it answers, with the reader as actor", async () => {
    const filter = { event: "AUDIT_READ", outcome: "SUCCESS" };
    const before = dataOf(await gw.run(ops.AuditEventsDocument, { filter, first: 100 }, asAdmin())).auditEvents.nodes.length;
    await gw.run(ops.AuditEventsDocument, { filter: { subject: user.sub }, first: 1 }, asAdmin());
    const reads = dataOf(await gw.run(ops.AuditEventsDocument, { filter, first: 100 }, asAdmin())).auditEvents.nodes;
    // The listing before, then the read by subject (newest first).
    expect(reads.length).toBe(before + 2);
    expect(reads[0]).toMatchObject({ event: "AUDIT_READ", outcome: "SUCCESS", actor: admin.sub, subject: user.sub, target: "auditEvents" });
  });

  it("shows a user their own sign-ins and failures, with address and user agent, and audits it", async () => {
    const history = dataOf(await gw.run(ops.LoginHistoryDocument, { first: 50 }, { token: user.accessToken })).loginHistory.nodes;
    // Failed password and MFA attempts carry no subject yet (the login flow does not record it), so the
    // failures a user sees today are lockouts.
    expect(history).toEqual(expect.arrayContaining([
      expect.objectContaining({ event: "LOCKOUT", reason: "FAILURES:5", userAgent: "review-test/1.0", ip: expect.stringMatching(/127\.0\.0\.1/) }),
      expect.objectContaining({ event: "MFA_CHALLENGE", outcome: "SUCCESS" }),
      expect.objectContaining({ event: "MFA_SETUP_COMPLETE", outcome: "SUCCESS" }),
      expect.objectContaining({ event: "LOGIN", outcome: "CHALLENGE", reason: "MFA_SETUP" }),
    ]));
    expect(history.every((n) => ["LOGIN", "MFA_CHALLENGE", "MFA_SETUP_COMPLETE", "NEW_PASSWORD", "PASSWORD_EXPIRED_CHANGE", "LOCKOUT"].includes(n.event))).toBe(true);
    const others = dataOf(await gw.run(ops.LoginHistoryDocument, { first: 50 }, asAdmin())).loginHistory.nodes;
    expect(others.length).toBeGreaterThan(0);
    expect(others.some((n) => n.event === "LOCKOUT")).toBe(false);
    const reads = dataOf(await gw.run(ops.AuditEventsDocument, { filter: { event: "AUDIT_READ", subject: user.sub }, first: 10 }, asAdmin())).auditEvents.nodes;
    expect(reads).toEqual(expect.arrayContaining([expect.objectContaining({ target: "loginHistory", subject: user.sub })]));
  });

  it("never returns a secret: no password, email, code or token in any record", async () => {
    const everything = JSON.stringify(dataOf(await gw.run(ops.AuditEventsDocument, { first: 100 }, asAdmin())));
    for (const secret of [PASSWORD, user.email, admin.email, user.secret, admin.secret, user.accessToken, user.refreshToken]) expect(everything).not.toContain(secret);
  });

  it("is FORBIDDEN to non-admins and UNAUTHENTICATED to anonymous callers", async () => {
    expect(errorOf(await gw.run(ops.AuditEventsDocument, { first: 5 }, { token: user.accessToken })).extensions.code).toBe("FORBIDDEN");
    expect(errorOf(await gw.run(ops.AuditEventsDocument, { first: 5 })).extensions.code).toBe("UNAUTHENTICATED");
    expect(errorOf(await gw.run(ops.LoginHistoryDocument, { first: 5 })).extensions.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a forged cursor and bad filters as BAD_USER_INPUT, without echoing them", async () => {
    const forged = Buffer.from(JSON.stringify(["'; DROP TABLE x; --", "s", "1"])).toString("base64url");
    const bad = errorOf(await gw.run(ops.AuditEventsDocument, { first: 5, after: forged }, asAdmin()));
    expect(bad.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: [{ field: "after", rules: ["cursor"] }] });
    const filter = errorOf(await gw.run(ops.AuditEventsDocument, { first: 5, filter: { event: "login; drop", from: "yesterday" } }, asAdmin()));
    expect(filter.extensions.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(filter)).not.toContain("drop");
  });
});

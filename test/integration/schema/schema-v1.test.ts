import { openPostgresSink } from "../../../src/audit/postgres/open-postgres";
import { auditDb, type AuditDb } from "../../support/audit-db";
import { dataOf, errorOf } from "../../support/graphql-client";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { adminUser, enrolledUser, freshCode, PASSWORD, type EnrolledUser } from "../../support/users";

/** The 1.0 shapes over HTTP: the union beside AuthPayload, DateTime, Group, PageInfo, and the deprecated fields still answering. */
const PAYLOAD = "tokens { accessToken } challenge { name session } result { __typename ... on AuthTokens { accessToken } ... on AuthChallenge { name session } }";
type Payload = {
  tokens: { accessToken: string } | null;
  challenge: { name: string; session: string } | null;
  result: { __typename: "AuthTokens"; accessToken: string } | { __typename: "AuthChallenge"; name: string; session: string };
};
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { ${PAYLOAD} } }`;
const MFA = `mutation($session: String!, $code: String!) { respondToMfa(session: $session, code: $code) { ${PAYLOAD} } }`;
const ME = "{ me { sub groups memberOf mfaEnabled mfaStatus { enabled } } }";
const SESSIONS = "{ sessions { createdAt createTime } }";
const AUDIT = `query($filter: AuditEventFilter, $first: Int!, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) { nodes { id time eventTime } pageInfo { startCursor hasPreviousPage endCursor hasNextPage } }
}`;
type AuditPage = { nodes: { id: string; time: string; eventTime: string }[]; pageInfo: { startCursor: string | null; hasPreviousPage: boolean; endCursor: string | null; hasNextPage: boolean } };

const exactlyOne = (payload: Payload) => {
  expect([payload.tokens, payload.challenge].filter((part) => part !== null)).toHaveLength(1);
  if (payload.tokens) expect(payload.result).toEqual({ __typename: "AuthTokens", ...payload.tokens });
  else expect(payload.result).toEqual({ __typename: "AuthChallenge", ...payload.challenge });
};

describe("the 1.0 schema over HTTP", () => {
  let db: AuditDb;
  let gw: TestGateway;
  let admin: EnrolledUser & { sub: string };
  let user: EnrolledUser;

  beforeAll(async () => {
    db = auditDb();
    gw = await startTestGateway({ auditSink: await openPostgresSink(db.settings, { now: () => Date.now() }) });
    admin = await adminUser(gw);
    user = await enrolledUser(gw);
  }, 120_000);
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  it("answers a login with exactly one of tokens and challenge, and the same answer as the AuthResult union", async () => {
    const login = dataOf(await gw.run<{ login: Payload }, object>(LOGIN, { email: user.email, password: PASSWORD })).login;
    exactlyOne(login);
    expect(login.result).toMatchObject({ __typename: "AuthChallenge", name: "SOFTWARE_TOKEN_MFA" });
    const done = dataOf(await gw.run<{ respondToMfa: Payload }, object>(MFA, { session: login.challenge!.session, code: await freshCode(user.secret) })).respondToMfa;
    exactlyOne(done);
    expect(done.result.__typename).toBe("AuthTokens");
  });

  it("lists the gateway's groups as the Group enum beside the deprecated strings", async () => {
    expect(dataOf(await gw.run<{ me: object }, object>(ME, {}, { token: admin.accessToken })).me).toEqual({ sub: admin.sub, groups: ["admin"], memberOf: ["ADMIN"], mfaEnabled: true, mfaStatus: { enabled: true } });
    expect(dataOf(await gw.run<{ me: object }, object>(ME, {}, { token: user.accessToken })).me).toMatchObject({ groups: [], memberOf: [] });
  });

  it("spells every DateTime one way, the same instant as the deprecated string", async () => {
    const sessions = dataOf(await gw.run<{ sessions: { createdAt: string; createTime: string }[] }, object>(SESSIONS, {}, { token: user.accessToken })).sessions;
    expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) {
      expect(s.createTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(new Date(s.createTime).getTime()).toBe(new Date(s.createdAt).getTime());
    }
  });

  it("pages forward with a complete PageInfo: startCursor is where the page began", async () => {
    const filter = { subject: admin.sub, toTime: new Date().toISOString() };
    const read = async (after?: string) => dataOf(await gw.run<{ auditEvents: AuditPage }, object>(AUDIT, { filter, first: 2, after }, { token: admin.accessToken })).auditEvents;
    const first = await read();
    expect(first.pageInfo).toMatchObject({ startCursor: null, hasPreviousPage: false, hasNextPage: true });
    const second = await read(first.pageInfo.endCursor!);
    expect(second.pageInfo).toMatchObject({ startCursor: first.pageInfo.endCursor, hasPreviousPage: true });
    expect((await read(second.pageInfo.startCursor!)).nodes).toEqual(second.nodes);
    for (const node of [...first.nodes, ...second.nodes]) expect(node.eventTime).toBe(new Date(node.time).toISOString());
  });

  // cognito-local answers ListUsers in one page, so only the first page's PageInfo shows here (pageInfoOf is unit-tested).
  it("gives the directory's users a createTime, and says the first page has none before it", async () => {
    const USERS = `query($prefix: String) { users(first: 5, filter: { emailPrefix: $prefix }) { nodes { createdAt createTime } pageInfo { startCursor hasPreviousPage } } }`;
    type Users = { users: { nodes: { createdAt: string | null; createTime: string | null }[]; pageInfo: Pick<AuditPage["pageInfo"], "startCursor" | "hasPreviousPage"> } };
    const page = dataOf(await gw.run<Users, object>(USERS, { prefix: user.email }, { token: admin.accessToken })).users;
    expect(page.pageInfo).toEqual({ startCursor: null, hasPreviousPage: false });
    expect(page.nodes).toHaveLength(1);
    expect(page.nodes[0]?.createTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(page.nodes[0]?.createTime).toBe(page.nodes[0]?.createdAt);
  });

  it("filters by DateTime bounds, and refuses both forms of one bound or a malformed instant as BAD_USER_INPUT", async () => {
    const asAdmin = { token: admin.accessToken };
    const future = { filter: { actor: admin.sub, fromTime: "2999-01-01T00:00:00+02:00" }, first: 5 };
    expect(dataOf(await gw.run<{ auditEvents: AuditPage }, object>(AUDIT, future, asAdmin)).auditEvents.nodes).toEqual([]);

    const both = errorOf(await gw.run(AUDIT, { filter: { fromTime: "2026-01-01T00:00:00Z", from: "2026-01-01T00:00:00Z" }, first: 5 }, asAdmin));
    expect(both.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: [{ field: "fromTime", rules: ["oneOf"] }] });

    const malformed = "2026-02-31T00:00:00Z";
    const refused = await gw.run(AUDIT, { filter: { fromTime: malformed }, first: 5 }, asAdmin);
    expect(errorOf(refused).extensions.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(refused)).not.toContain(malformed);
  });
});

import type { AuditRecord } from "../../../src/audit/audit-event";
import { ChangePasswordDocument, LoginDocument, LogoutDocument, MeDocument, RegisterDocument, RespondToMfaDocument, SessionsDocument } from "../../generated/graphql";
import { FailingSink } from "../../support/failing-sink";
import { dataOf, errorOf } from "../../support/graphql-client";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD, uniqueEmail } from "../../support/users";

const at = (event: string, outcome: string) => (r: AuditRecord) => r.event === event && r.outcome === outcome;

/** Row F: nothing happens unrecorded. The sink fails at each step in turn; the effect must follow the record. */
describe("F: audit before effect", () => {
  let gw: TestGateway;
  const sink = new FailingSink();
  beforeAll(async () => {
    gw = await startTestGateway({ auditSink: sink });
  });
  afterEach(() => {
    sink.failWhen = () => false;
  });
  afterAll(() => gw.close());

  it("writes INTENT before the effect and the outcome after it, with one request id", async () => {
    const email = uniqueEmail();
    dataOf(await gw.run(RegisterDocument, { input: { email, password: PASSWORD } }));
    const mine = sink.records.filter((r) => r.event === "REGISTER").slice(-2);
    expect(mine.map((r) => r.outcome)).toEqual(["INTENT", "SUCCESS"]);
    expect(mine[0]!.requestId).toBe(mine[1]!.requestId);
  });

  it("register: no intent record, no account", async () => {
    const email = uniqueEmail();
    sink.failWhen = at("REGISTER", "INTENT");
    const refused = await gw.run(RegisterDocument, { input: { email, password: PASSWORD } });
    expect(errorOf(refused).extensions.code).toBe("SERVICE_UNAVAILABLE");
    sink.failWhen = () => false;
    dataOf(await gw.run(RegisterDocument, { input: { email, password: PASSWORD } }));
    // Had the first attempt created the account, the second would be recorded as ACCOUNT_EXISTS.
    expect(sink.records.filter((r) => r.event === "REGISTER").at(-1)).toMatchObject({ outcome: "SUCCESS" });
  });

  it("changePassword: no intent record, the password stays", async () => {
    const user = await enrolledUser(gw);
    sink.failWhen = at("PASSWORD_CHANGE", "INTENT");
    const refused = await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: "Changed-Passphrase-99" }, { token: user.accessToken });
    expect(errorOf(refused).extensions.code).toBe("SERVICE_UNAVAILABLE");
    sink.failWhen = () => false;
    expect(dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge?.name).toBe("SOFTWARE_TOKEN_MFA");
  });

  it("logout: no intent record, the session stays", async () => {
    const user = await enrolledUser(gw);
    sink.failWhen = at("LOGOUT", "INTENT");
    expect(errorOf(await gw.run(LogoutDocument, {}, { token: user.accessToken })).extensions.code).toBe("SERVICE_UNAVAILABLE");
    sink.failWhen = () => false;
    expect(dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.email).toBe(user.email);
  });

  it("a login whose outcome cannot be recorded opens no session", async () => {
    const user = await enrolledUser(gw);
    const session = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge!.session;
    sink.failWhen = at("MFA_CHALLENGE", "SUCCESS");
    expect(errorOf(await gw.run(RespondToMfaDocument, { session, code: await freshCode(user.secret) })).extensions.code).toBe("SERVICE_UNAVAILABLE");
    sink.failWhen = () => false;
    expect(dataOf(await gw.run(SessionsDocument, {}, { token: user.accessToken })).sessions).toHaveLength(1);
  });
});

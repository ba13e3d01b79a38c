import { loadConfig } from "../../src/config";
import * as ops from "../generated/graphql";
import { TEST_CODE } from "../setup/test-cognito";
import { dataOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD, uniqueEmail } from "../support/users";

/**
 * Attack (sessions and loginHistory moved to the viewer feature; the email change with its limit to account). With
 * every other optional feature off — audit-review among them, which owns the administrators' reads of the trail —
 * the moved operations still write their records for the caller (test/integration/audit-coverage
 * covers every event with every feature on).
 */
const disabledFeatures = loadConfig({ DISABLED_FEATURES: "admin,audit-review,passkeys,recovery-codes,emergency-access,hosted-login" }).disabledFeatures;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ settings: { disabledFeatures } });
});
afterAll(async () => {
  await gw.close();
});

it("viewer's and account's operations each write their SUCCESS record with only sign-in, password, viewer and account on", async () => {
  const user = await enrolledUser(gw);
  const as = { token: user.accessToken };
  const sub = dataOf(await gw.run(ops.MeDocument, {}, as)).me.sub;
  const mark = gw.audit.records.length;
  dataOf(await gw.run(ops.SessionsDocument, {}, as));
  dataOf(await gw.run(ops.LoginHistoryDocument, {}, as));
  dataOf(await gw.run(ops.UpdateProfileDocument, { input: { givenName: "Ada" } }, as));
  dataOf(await gw.run(ops.RequestEmailChangeDocument, { newEmail: uniqueEmail(), code: await freshCode(user.secret) }, as));
  dataOf(await gw.run(ops.ConfirmEmailChangeDocument, { code: TEST_CODE }, as));
  dataOf(await gw.run(ops.ResetMfaDocument, { currentPassword: PASSWORD, code: await freshCode(user.secret) }, as));
  await gw.run(ops.LogoutEverywhereDocument, {}, as);
  const written = gw.audit.records.slice(mark).filter((r) => r.subject === sub).map((r) => `${r.event}:${r.outcome}`);
  const expected = ["SESSIONS_LIST", "AUDIT_READ", "PROFILE_UPDATE", "EMAIL_CHANGE_REQUEST", "EMAIL_CHANGE", "MFA_RESET_BEGIN", "LOGOUT_EVERYWHERE"];
  expect(expected.filter((event) => !written.includes(`${event}:SUCCESS`))).toEqual([]);
});

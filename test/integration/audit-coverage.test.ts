import { auditEventTypes } from "../../src/audit/audit-event";
import { PasswordRotation } from "../../src/policy/password-rotation";
import * as ops from "../generated/graphql";
import { FakeClock } from "../fakes/fake-clock";
import { TEST_CODE } from "../setup/test-cognito";
import { dataOf } from "../support/graphql-client";
import { startTestGateway } from "../support/test-gateway";
import { adminUser, enrolledUser, loginWithMfa, PASSWORD, freshCode, uniqueEmail } from "../support/users";

/** Written by jobs, not by the gateway: test/integration/audit/postgres-sink.test.ts (retention) covers it. */
const jobEvents: readonly string[] = ["AUDIT_ARCHIVE"];

/** Runs every flow once through one gateway; each audit event type must come out of a real flow. */
it("emits every audit event type from a real flow, without secrets", async () => {
  const clock = new FakeClock();
  const gw = await startTestGateway({ clock });
  const run = gw.run;
  try {
    const admin = await adminUser(gw);
    const asAdmin = { token: admin.accessToken };
    const user = await enrolledUser(gw);
    const as = { token: user.accessToken };
    const sub = dataOf(await run(ops.MeDocument, {}, as)).me.sub;

    await run(ops.ResendConfirmationCodeDocument, { email: uniqueEmail() });
    await run(ops.MeDocument, {}, { token: "not.a.token" });
    await run(ops.UsersDocument, {}, as);
    await run(ops.UpdateProfileDocument, { input: { givenName: "Ada" } }, as);
    await run(ops.RequestEmailChangeDocument, { newEmail: uniqueEmail() }, as);
    await run(ops.ConfirmEmailChangeDocument, { code: TEST_CODE }, as);
    await run(ops.SessionsDocument, {}, as);
    const setup = dataOf(await run(ops.ResetMfaDocument, { currentPassword: PASSWORD, code: await freshCode(user.secret) }, as)).resetMfa;
    const afterReset = dataOf(await run(ops.CompleteMfaSetupDocument, { session: setup.session, code: await freshCode(setup.secret) })).completeMfaSetup.tokens!;
    const email = dataOf(await run(ops.MeDocument, {}, { token: afterReset.accessToken })).me.email;
    await run(ops.ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: "Second-Passw0rd-2" }, { token: afterReset.accessToken });
    await run(ops.ForgotPasswordDocument, { email });
    await run(ops.ConfirmForgotPasswordDocument, { email, code: TEST_CODE, newPassword: "Third-Passw0rd-3" });
    await gw.store.set(PasswordRotation.key(sub), "0", 3600);
    const expired = dataOf(await run(ops.LoginDocument, { email, password: "Third-Passw0rd-3" })).login.challenge!;
    await run(ops.CompleteExpiredPasswordDocument, { session: expired.session, newPassword: "Fourth-Passw0rd-4" });

    const other = await enrolledUser(gw);
    const otherSub = dataOf(await run(ops.MeDocument, {}, { token: other.accessToken })).me.sub;
    const again = (await loginWithMfa(gw, other)).tokens!;
    await run(ops.RefreshTokensDocument, { refreshToken: again.refreshToken! });
    await run(ops.LogoutDocument, { refreshToken: again.refreshToken }, { token: again.accessToken });
    await run(ops.LogoutEverywhereDocument, {}, { token: other.accessToken });
    for (let i = 0; i < 5; i++) await run(ops.LoginDocument, { email: other.email, password: "Wrong-Passw0rd-!!" });
    await run(ops.AdminUnlockUserDocument, { userId: otherSub }, asAdmin);
    await run(ops.AdminAddUserToGroupDocument, { userId: otherSub, group: "PATIENT" }, asAdmin);
    await run(ops.AdminRemoveUserFromGroupDocument, { userId: otherSub, group: "PATIENT" }, asAdmin);
    await run(ops.AdminDisableUserDocument, { userId: otherSub }, asAdmin);
    await run(ops.AdminEnableUserDocument, { userId: otherSub }, asAdmin);
    await run(ops.AdminGlobalSignOutDocument, { userId: otherSub }, asAdmin);
    await run(ops.AdminResetMfaDocument, { userId: otherSub }, asAdmin);
    await run(ops.UsersDocument, { first: 5 }, asAdmin);
    const invited = uniqueEmail();
    await run(ops.AdminCreateUserDocument, { input: { email: invited } }, asAdmin);
    const first = dataOf(await run(ops.LoginDocument, { email: invited, password: TEST_CODE })).login.challenge!;
    await run(ops.CompleteNewPasswordDocument, { session: first.session, newPassword: PASSWORD });

    dataOf(await run(ops.AuditEventsDocument, { filter: { subject: otherSub }, first: 5 }, asAdmin));
    dataOf(await run(ops.LoginHistoryDocument, { first: 5 }, asAdmin));

    clock.advanceSeconds(901);
    await run(ops.MeDocument, {}, asAdmin);

    const seen = new Set(gw.audit.records.map((r) => r.event));
    expect(auditEventTypes.filter((type) => !seen.has(type) && !jobEvents.includes(type))).toEqual([]);
    const everything = JSON.stringify(gw.audit.records);
    for (const secret of [PASSWORD, "Second-Passw0rd-2", "Third-Passw0rd-3", "Fourth-Passw0rd-4", user.email, other.email, invited, user.secret, setup.secret]) {
      expect(everything).not.toContain(secret);
    }
  } finally {
    await gw.close();
  }
}, 90_000); // every flow in one test: over 30 s on a loaded machine

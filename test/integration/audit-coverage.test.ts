import { mkdtempSync, renameSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditEventTypes } from "../../src/audit/audit-event";
import { HashChainedFileSink } from "../../src/audit/audit-log";
import { loadConfig } from "../../src/config";
import { RedisStore } from "../../src/store/redis-store";
import { PasswordRotation } from "../../src/policy/password-rotation";
import * as ops from "../generated/graphql";
import { FakeClock } from "../fakes/fake-clock";
import { TEST_CODE } from "../setup/test-cognito";
import { dataOf } from "../support/graphql-client";
import { beginBrowserLogin, finishBrowserLogin, signInAtPool, startHostedLogin } from "../support/hosted-login";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { startEmergencyRig } from "../support/emergency-rig";
import { passkeyStepUp } from "../support/step-up";
import { startTestGateway } from "../support/test-gateway";
import { adminStepUp, adminUser, enrolledUser, loginWithMfa, PASSWORD, freshCode, uniqueEmail } from "../support/users";

/** The events only a fault makes: a rate limit hit, a store that is down, a torn audit tail found at start. */
const refusalEvents = async (accessToken: string): Promise<string[]> => {
  const limited = await startTestGateway({ settings: { policy: { ...loadConfig({}).policy, rateLimitIpPerMinute: 1 } } });
  const deadStore = new RedisStore({ url: "redis://127.0.0.1:1", commandTimeoutMs: 200 });
  const storeDown = await startTestGateway({ store: deadStore });
  const dir = mkdtempSync(join(tmpdir(), "coverage-"));
  try {
    for (let i = 0; i < 2; i++) await limited.run(ops.LoginDocument, { email: uniqueEmail(), password: PASSWORD });
    await storeDown.run(ops.MeDocument, {}, { token: accessToken });
    const file = join(dir, "audit.jsonl");
    writeFileSync(file, '{"partial');
    const sink = new HashChainedFileSink(file);
    await sink.write({ time: new Date().toISOString(), requestId: "r", ip: null, userAgent: null, event: "LOGIN", outcome: "INTENT" });
    // Rotated (rename + create): the new file begins with LOG_CONTINUED.
    renameSync(file, `${file}.1`);
    await sink.write({ time: new Date().toISOString(), requestId: "r2", ip: null, userAgent: null, event: "LOGIN", outcome: "INTENT" });
    await sink.close();
    const fromFile = [`${file}.1`, file].flatMap((path) => readFileSync(path, "utf8").trim().split("\n").map((line) => (JSON.parse(line) as { event: string }).event));
    return [...limited.audit.records.map((r) => r.event), ...storeDown.audit.records.map((r) => r.event), ...fromFile];
  } finally {
    await limited.close();
    await storeDown.close();
    await deadStore.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
/** Written by jobs, not by the gateway: test/integration/audit/postgres-sink.test.ts (retention) covers it. */
const jobEvents: readonly string[] = ["AUDIT_ARCHIVE"];

/** Emergency access needs gateway mode (its uses are subgraph requests), a webhook and a movable clock. */
const emergencyEvents = async (): Promise<{ events: string[]; records: string }> => {
  const rig = await startEmergencyRig();
  try {
    const [patient, provider, other, admin] = [await rig.member("patient"), await rig.member("provider"), await rig.member("provider"), await rig.member("admin")];
    const reason = "Coverage: patient unconscious, no assigned clinician";
    const grant = dataOf(await rig.gw.run(ops.RequestEmergencyAccessDocument, { input: { reason, patientRef: patient.sub }, code: await freshCode(provider.secret) }, { token: provider.accessToken })).requestEmergencyAccess;
    dataOf(await rig.gw.run(`query ($id: ID!) { patient(id: $id) { owner } }`, { id: patient.sub }, { token: provider.accessToken }));
    dataOf(await rig.gw.run(ops.EndEmergencyAccessDocument, { id: grant.id }, { token: provider.accessToken }));
    dataOf(await rig.gw.run(ops.EmergencyAccessesDocument, {}, { token: admin.accessToken }));
    dataOf(await rig.gw.run(ops.ReviewEmergencyAccessDocument, { id: grant.id, verdict: "JUSTIFIED", note: "Coverage note" }, { token: admin.accessToken }));
    rig.webhook.answerWith(500);
    dataOf(await rig.gw.run(ops.RequestEmergencyAccessDocument, { input: { reason }, code: await freshCode(other.secret) }, { token: other.accessToken }));
    rig.clock.advanceSeconds(25 * 3600);
    await rig.gw.services.emergency.reviews.sweep();
    await rig.gw.emergencyAlerts.settled();
    return { events: rig.gw.audit.records.map((r) => r.event), records: JSON.stringify(rig.gw.audit.records) };
  } finally {
    await rig.close();
  }
};

/** Runs every flow once through one gateway; each audit event type must come out of a real flow. */
it("emits every audit event type from a real flow, without secrets", async () => {
  const clock = new FakeClock();
  // With hosted login configured (against the stand-in for the pool's domain), so OAUTH_LOGIN comes from a real flow.
  // Notices go to a webhook nobody answers (no retries): the recovery-code flow leaves its dead letter.
  const notices = { url: "http://127.0.0.1:9/notices", secret: "n".repeat(32), retryDelaysMs: [] };
  const hosted = await startHostedLogin({ clock, settings: { notices } });
  const gw = hosted.gw;
  const run = gw.run;
  try {
    const admin = await adminUser(gw);
    const asAdmin = { token: admin.accessToken };
    const user = await enrolledUser(gw);
    const as = { token: user.accessToken };
    const sub = dataOf(await run(ops.MeDocument, {}, as)).me.sub;

    const { authorize, cookie } = await beginBrowserLogin(hosted.origin);
    await finishBrowserLogin(hosted.origin, await signInAtPool(authorize.href, sub), cookie);
    await run(ops.ResendConfirmationCodeDocument, { email: uniqueEmail() });
    await run(ops.MeDocument, {}, { token: "not.a.token" });
    await run(ops.UsersDocument, {}, as);
    await run(ops.UpdateProfileDocument, { input: { givenName: "Ada" } }, as);
    await run(ops.RequestEmailChangeDocument, { newEmail: uniqueEmail(), code: await freshCode(user.secret) }, as);
    await run(ops.UndoEmailChangeDocument, { token: "A".repeat(43) });
    await run(ops.ConfirmEmailChangeDocument, { code: TEST_CODE }, as);
    await run(ops.SessionsDocument, {}, as);
    const setup = dataOf(await run(ops.ResetMfaDocument, { currentPassword: PASSWORD, code: await freshCode(user.secret) }, as)).resetMfa;
    const afterReset = dataOf(await run(ops.CompleteMfaSetupDocument, { session: setup.session, code: await freshCode(setup.secret) })).completeMfaSetup.tokens!;
    const email = dataOf(await run(ops.MeDocument, {}, { token: afterReset.accessToken })).me.email;
    await run(ops.ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: "Second-Passw0rd-2", code: await freshCode(setup.secret) }, { token: afterReset.accessToken });
    await run(ops.ForgotPasswordDocument, { email });
    await run(ops.ConfirmForgotPasswordDocument, { email, code: TEST_CODE, newPassword: "Third-Passw0rd-3" });
    await gw.store.set(PasswordRotation.key(sub), "0", 3600);
    const expired = dataOf(await run(ops.LoginDocument, { email, password: "Third-Passw0rd-3" })).login.challenge!;
    await run(ops.CompleteExpiredPasswordDocument, { session: expired.session, newPassword: "Fourth-Passw0rd-4", currentPassword: "Third-Passw0rd-3" });

    const other = await enrolledUser(gw);
    const otherSub = dataOf(await run(ops.MeDocument, {}, { token: other.accessToken })).me.sub;
    const again = (await loginWithMfa(gw, other)).tokens!;
    await run(ops.RefreshTokensDocument, { refreshToken: again.refreshToken! });
    await run(ops.LogoutDocument, { refreshToken: again.refreshToken }, { token: again.accessToken });
    await run(ops.LogoutEverywhereDocument, {}, { token: other.accessToken });
    for (let i = 0; i < 5; i++) await run(ops.LoginDocument, { email: other.email, password: "Wrong-Passw0rd-!!" });
    await run(ops.AdminUnlockUserDocument, { userId: otherSub, ...(await adminStepUp(admin)) }, asAdmin);
    await run(ops.AdminAddUserToGroupDocument, { userId: otherSub, group: "PATIENT", ...(await adminStepUp(admin)) }, asAdmin);
    await run(ops.AdminRemoveUserFromGroupDocument, { userId: otherSub, group: "PATIENT" }, asAdmin);
    await run(ops.AdminDisableUserDocument, { userId: otherSub }, asAdmin);
    await run(ops.AdminEnableUserDocument, { userId: otherSub, ...(await adminStepUp(admin)) }, asAdmin);
    await run(ops.AdminGlobalSignOutDocument, { userId: otherSub }, asAdmin);
    await run(ops.AdminResetMfaDocument, { userId: otherSub, ...(await adminStepUp(admin)) }, asAdmin);
    await run(ops.UsersDocument, { first: 5 }, asAdmin);
    const invited = uniqueEmail();
    await run(ops.AdminCreateUserDocument, { input: { email: invited } }, asAdmin);
    const first = dataOf(await run(ops.LoginDocument, { email: invited, password: TEST_CODE })).login.challenge!;
    await run(ops.CompleteNewPasswordDocument, { session: first.session, newPassword: PASSWORD });

    dataOf(await run(ops.AuditEventsDocument, { filter: { subject: otherSub }, first: 5 }, asAdmin));
    dataOf(await run(ops.LoginHistoryDocument, { first: 5 }, asAdmin));
    // Passkeys: enrol two, rename, sign in alone and as second factor, a refused (cloned) answer, remove, admin list and revoke.
    const pk = await enrolledUser(gw);
    const pkAs = { token: pk.accessToken };
    const pkSub = dataOf(await run(ops.MeDocument, {}, pkAs)).me.sub;
    const [key, spare] = [new SoftAuthenticator({ origin: "http://localhost:4000" }), new SoftAuthenticator({ origin: "http://localhost:4000" })];
    for (const authenticator of [key, spare]) {
      const stepUp = authenticator === key ? { code: await freshCode(pk.secret) } : await passkeyStepUp(gw, pk.accessToken, key);
      const options = dataOf(await run(ops.BeginPasskeyRegistrationDocument, stepUp, pkAs)).beginPasskeyRegistration;
      await run(ops.CompletePasskeyRegistrationDocument, { response: authenticator.register(options), nickname: "Key" }, pkAs);
    }
    await run(ops.RenamePasskeyDocument, { id: key.id, nickname: "Key 2", ...(await passkeyStepUp(gw, pk.accessToken, spare)) }, pkAs);
    const recoveryCodes = dataOf(await run(ops.GenerateRecoveryCodesDocument, await passkeyStepUp(gw, pk.accessToken, spare), pkAs)).generateRecoveryCodes;
    const alone = dataOf(await run(ops.BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
    await run(ops.CompletePasskeyLoginDocument, { session: alone.session, response: key.assert(alone.options) });
    const cloned = dataOf(await run(ops.BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
    await run(ops.CompletePasskeyLoginDocument, { session: cloned.session, response: key.assert(cloned.options, { counter: 0 }) });
    const pwd = dataOf(await run(ops.LoginDocument, { email: pk.email, password: PASSWORD })).login.challenge!;
    const second = dataOf(await run(ops.BeginPasskeyMfaDocument, { session: pwd.session })).beginPasskeyMfa;
    await run(ops.RespondWithPasskeyDocument, { session: second.session, response: key.assert(second.options) });
    await run(ops.RemovePasskeyDocument, { id: key.id, ...(await passkeyStepUp(gw, pk.accessToken, spare)) }, pkAs);
    await run(ops.AdminPasskeysDocument, { userId: pkSub }, asAdmin);
    await run(ops.AdminRemovePasskeyDocument, { userId: pkSub, id: spare.id }, asAdmin);
    const lost = dataOf(await run(ops.LoginDocument, { email: pk.email, password: PASSWORD })).login.challenge!;
    await run(ops.RespondWithRecoveryCodeDocument, { session: lost.session, code: recoveryCodes[0]! });

    await gw.notifier.settled();

    clock.advanceSeconds(901);
    await run(ops.MeDocument, {}, asAdmin);

    const emergency = await emergencyEvents();
    for (const text of ["Coverage: patient unconscious", "Coverage note"]) expect(emergency.records).not.toContain(text);
    const seen = new Set([...gw.audit.records.map((r) => r.event), ...(await refusalEvents(user.accessToken)), ...emergency.events]);
    expect(auditEventTypes.filter((type) => !seen.has(type) && !jobEvents.includes(type))).toEqual([]);
    const everything = JSON.stringify(gw.audit.records);
    for (const secret of [PASSWORD, "Second-Passw0rd-2", "Third-Passw0rd-3", "Fourth-Passw0rd-4", user.email, other.email, pk.email, invited, ...recoveryCodes, user.secret, setup.secret]) {
      expect(everything).not.toContain(secret);
    }
  } finally {
    await hosted.close();
  }
}, 180_000);

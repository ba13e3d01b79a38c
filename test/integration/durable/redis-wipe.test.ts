import {
  AdminDisableUserDocument,
  BeginPasskeyLoginDocument,
  BeginPasskeyRegistrationDocument,
  ChangePasswordDocument,
  CompletePasskeyLoginDocument,
  CompletePasskeyRegistrationDocument,
  EmergencyAccessesDocument,
  GenerateRecoveryCodesDocument,
  LoginDocument,
  MeDocument,
  RecoveryCodesLeftDocument,
  RequestEmergencyAccessDocument,
  ReviewEmergencyAccessDocument,
} from "../../generated/graphql";
import { loadConfig } from "../../../src/config";
import type { GatewaySettings } from "../../../src/app";
import { startWebhookReceiver, webhookSecret } from "../../support/emergency-rig";
import { waitFor } from "../../support/gateway-process";
import { dataOf, errorOf } from "../../support/graphql-client";
import { startPrivateRedis } from "../../support/private-servers";
import { scratchDatabase } from "../../support/records-db";
import { SoftAuthenticator } from "../../support/soft-authenticator";
import { passkeyStepUp } from "../../support/step-up";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { adminUser, enrolledUser, freshCode, grantGroup, loginWithMfa, PASSWORD, type EnrolledUser } from "../../support/users";

/**
 * Issue 23 row 3: with DATABASE_URL, losing Redis (FLUSHALL on a private redis-server, mid-run, over HTTP) ends
 * every session and loses no credential, lock, history or grant; nor does a restart of the gateway.
 */
const NEW_PASSWORD = "Another-Correct-Horse-7";
const reason = "Patient unconscious in ER, attending physician unreachable";
const origin = "http://localhost:4000";

let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let db: Awaited<ReturnType<typeof scratchDatabase>>;
let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
let settings: Partial<GatewaySettings>;
let gw: TestGateway;

beforeAll(async () => {
  redis = await startPrivateRedis();
  db = await scratchDatabase();
  webhook = await startWebhookReceiver();
  const defaults = loadConfig({});
  settings = {
    redisUrl: redis.url,
    redisKeyPrefix: "gw:",
    database: { url: db.url, schema: "gateway", statementTimeoutMs: 10_000, generationCheckSeconds: 3600 },
    policy: { ...defaults.policy, rateLimitIpPerMinute: 0, rateLimitAccountPerMinute: 0, rateLimitUserPerMinute: 0, lockoutDurationSeconds: 0 },
    emergency: { ...defaults.emergency, alertWebhook: { url: webhook.url, secret: webhookSecret }, alertRetryDelaysMs: [0, 0] },
  };
  gw = await startTestGateway({ settings });
});
afterAll(async () => {
  await gw.close();
  await webhook.close();
  await redis.stop();
  await db.drop();
});

const as = (user: { accessToken: string }) => ({ token: user.accessToken });
const subOf = async (user: EnrolledUser) => dataOf(await gw.run(MeDocument, {}, as(user))).me.sub;

it("FLUSHALL mid-run: sessions end; passkeys, recovery codes, password history, locks, disables and grants stay; a restart loses nothing", async () => {
  // Lasting state, made over HTTP.
  const admin = await adminUser(gw);
  const authenticator = new SoftAuthenticator({ origin });
  const withKey = await enrolledUser(gw);
  // Every change of a sign-in method proves a fresh factor in the request: a TOTP code first, then the new passkey.
  const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(withKey.secret) }, as(withKey))).beginPasskeyRegistration;
  dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: authenticator.register(options), nickname: "Laptop" }, as(withKey)));
  dataOf(await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, ...(await passkeyStepUp(gw, withKey.accessToken, authenticator)) }, as(withKey)));
  const codes = dataOf(await gw.run(GenerateRecoveryCodesDocument, await passkeyStepUp(gw, withKey.accessToken, authenticator), as(withKey))).generateRecoveryCodes;
  expect(codes).toHaveLength(10);

  const locked = await enrolledUser(gw);
  for (let i = 0; i < 5; i++) errorOf(await gw.run(LoginDocument, { email: locked.email, password: "Wrong-Passw0rd-!!" }));
  expect(errorOf(await gw.run(LoginDocument, { email: locked.email, password: PASSWORD })).extensions.code).toBe("ACCOUNT_LOCKED");

  const disabled = await enrolledUser(gw);
  dataOf(await gw.run(AdminDisableUserDocument, { userId: await subOf(disabled) }, as(admin)));

  const provider = await enrolledUser(gw);
  await grantGroup(await subOf(provider), "provider");
  const providerTokens = (await loginWithMfa(gw, provider)).tokens!;
  const grant = dataOf(await gw.run(RequestEmergencyAccessDocument, { input: { reason }, code: await freshCode(provider.secret) }, { token: providerTokens.accessToken })).requestEmergencyAccess;
  // The grant's alert went through the outbox (written in the grant's step) and was delivered.
  await waitFor(() => webhook.received.some((r) => (JSON.parse(r.body) as { grantId?: string }).grantId === grant.id), "the grant's alert delivered from the outbox");
  dataOf(await gw.run(ReviewEmergencyAccessDocument, { id: grant.id, verdict: "JUSTIFIED", note: "checked with the ward" }, as(admin)));

  const lastingStateHolds = async () => {
    // A passkey still signs in (its public key and counter were kept).
    const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
    const signedIn = dataOf(await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: authenticator.assert(begun.options) })).completePasskeyLogin;
    const fresh = { accessToken: signedIn.tokens!.accessToken };
    expect(dataOf(await gw.run(MeDocument, {}, as(fresh))).me.email).toBe(withKey.email);
    // Recovery codes and the password history.
    expect(dataOf(await gw.run(RecoveryCodesLeftDocument, {}, as(fresh))).recoveryCodesLeft).toBe(10);
    expect(errorOf(await gw.run(ChangePasswordDocument, { currentPassword: NEW_PASSWORD, newPassword: PASSWORD, ...(await passkeyStepUp(gw, fresh.accessToken, authenticator)) }, as(fresh))).extensions).toMatchObject({ code: "PASSWORD_POLICY_VIOLATION", rules: ["history"] });
    // The lock (until an administrator unlocks) and the disabled flag.
    expect(errorOf(await gw.run(LoginDocument, { email: locked.email, password: PASSWORD })).extensions.code).toBe("ACCOUNT_LOCKED");
    expect(errorOf(await gw.run(LoginDocument, { email: disabled.email, password: PASSWORD })).extensions.code).toBe("INVALID_CREDENTIALS");
    // The grant with its reason and its review.
    const adminTokens = (await loginWithMfa(gw, admin)).tokens!;
    const listed = dataOf(await gw.run(EmergencyAccessesDocument, {}, { token: adminTokens.accessToken })).emergencyAccesses.nodes;
    expect(listed.find((g) => g.id === grant.id)).toMatchObject({ reason, verdict: "JUSTIFIED", reviewNote: "checked with the ward", reviewedBy: admin.sub });
    return fresh;
  };

  await lastingStateHolds();
  expect(await redis.command("FLUSHALL")).toBe("OK");
  // Sessions end: the store that knew them is gone (fail closed).
  for (const token of [admin.accessToken, providerTokens.accessToken]) expect(errorOf(await gw.run(MeDocument, {}, { token })).extensions.code).toBe("UNAUTHENTICATED");
  expect(await gw.durable!.verifyStore()).toBe("EMPTIED");
  const fresh = await lastingStateHolds();

  // A restart of the gateway (same Redis, same database): nothing listed is lost, and a live session stays.
  await gw.close();
  gw = await startTestGateway({ settings });
  expect(dataOf(await gw.run(MeDocument, {}, as(fresh))).me.email).toBe(withKey.email);
  await lastingStateHolds();
});

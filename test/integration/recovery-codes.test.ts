import {
  BeginMfaSetupDocument,
  BeginPasskeyRegistrationDocument,
  CompletePasskeyRegistrationDocument,
  CompleteMfaSetupDocument,
  GenerateRecoveryCodesDocument,
  LoginDocument,
  MeDocument,
  RecoveryCodesLeftDocument,
  RespondToMfaDocument,
  RespondWithRecoveryCodeDocument,
} from "../generated/graphql";
import { createHmac } from "node:crypto";
import { FakeClock } from "../fakes/fake-clock";
import { startWebhookReceiver } from "../support/emergency-rig";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { dataOf, errorOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD } from "../support/users";

const clock = new FakeClock();
const secret = "notice-secret-of-at-least-32-characters";
let gw: TestGateway;
let mailer: Awaited<ReturnType<typeof startWebhookReceiver>>;
beforeAll(async () => {
  // The product's mailer: a real HTTP receiver of the signed notices.
  mailer = await startWebhookReceiver();
  gw = await startTestGateway({ clock, settings: { notices: { url: mailer.url, secret, retryDelaysMs: [0, 0] } } });
});
afterAll(async () => {
  await gw.close();
  await mailer.close();
});

/** The notices the mailer got, checked as a receiver would: HMAC over `t.body` with the shared secret. */
const delivered = async () => {
  await gw.notifier.settled();
  return mailer.received.map(({ headers, body }) => {
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers["x-gateway-signature"])) ?? [];
    expect(v1).toBe(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"));
    return JSON.parse(body) as { type: string; email: string; codesLeft: number };
  });
};

const passwordStep = async (email: string) => dataOf(await gw.run(LoginDocument, { email, password: PASSWORD })).login.challenge!.session;

describe("recovery codes over HTTP", () => {
  it("ten codes, shown once; one replaces TOTP once, forces re-enrolment, ends other sessions, emails the owner", async () => {
    const user = await enrolledUser(gw);
    const codes = dataOf(await gw.run(GenerateRecoveryCodesDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).generateRecoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(dataOf(await gw.run(RecoveryCodesLeftDocument, {}, { token: user.accessToken })).recoveryCodesLeft).toBe(10);
    expect(JSON.stringify(gw.audit.records)).not.toContain(codes[0]);

    const recovered = dataOf(await gw.run(RespondWithRecoveryCodeDocument, { session: await passwordStep(user.email), code: codes[0]! })).respondWithRecoveryCode;
    expect(recovered.tokens).toBeNull();
    expect(recovered.challenge?.name).toBe("MFA_SETUP");
    const notices = await delivered();
    expect(notices.filter((n) => n.type === "RECOVERY_CODE_USED")).toEqual([expect.objectContaining({ email: user.email, codesLeft: 9 })]);
    // The set itself was announced when it was generated.
    expect(notices.filter((n) => n.type === "RECOVERY_CODES_GENERATED")).toEqual([expect.objectContaining({ email: user.email })]);
    // The session that existed before (perhaps on the lost phone) has ended.
    expect(errorOf(await gw.run(MeDocument, {}, { token: user.accessToken })).extensions.code).toBe("UNAUTHENTICATED");

    const setup = dataOf(await gw.run(BeginMfaSetupDocument, { session: recovered.challenge!.session })).beginMfaSetup;
    expect(setup.secret).not.toBe(user.secret);
    const done = dataOf(await gw.run(CompleteMfaSetupDocument, { session: setup.session, code: await freshCode(setup.secret) })).completeMfaSetup;
    expect(dataOf(await gw.run(MeDocument, {}, { token: done.tokens!.accessToken })).me.email).toBe(user.email);
    expect(dataOf(await gw.run(RecoveryCodesLeftDocument, {}, { token: done.tokens!.accessToken })).recoveryCodesLeft).toBe(9);

    // Single use: the same code again is refused (as spent, which the lockout does not count); the new authenticator works as TOTP.
    expect(errorOf(await gw.run(RespondWithRecoveryCodeDocument, { session: await passwordStep(user.email), code: codes[0]! })).extensions).toMatchObject({ code: "CODE_EXPIRED", reason: "CODE_ALREADY_USED" });
    const next = dataOf(await gw.run(RespondToMfaDocument, { session: await passwordStep(user.email), code: await freshCode(setup.secret) })).respondToMfa;
    expect(next.tokens?.accessToken).toBeTruthy();
    const records = gw.audit.records.filter((r) => r.event === "RECOVERY_CODE_LOGIN").map((r) => `${r.outcome}:${r.reason ?? ""}`);
    expect(records).toEqual(["INTENT:MFA_SETUP", expect.stringMatching(/^CHALLENGE:MFA_SETUP;SESSIONS_ENDED:1;PASSKEYS_REVOKED:0;CODES_LEFT:9$/), "INTENT:MFA_SETUP", "FAILURE:CODE_EXPIRED"]);
  });

  it("a notice the mailer cannot take is retried, then dead-lettered in the audit trail (without the email)", async () => {
    const user = await enrolledUser(gw);
    const codes = dataOf(await gw.run(GenerateRecoveryCodesDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).generateRecoveryCodes;
    const sub = dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
    mailer.answerWith(503);
    const before = mailer.received.length;
    try {
      dataOf(await gw.run(RespondWithRecoveryCodeDocument, { session: await passwordStep(user.email), code: codes[1]! }));
      await gw.notifier.settled();
    } finally {
      mailer.answerWith(204);
    }
    expect(mailer.received.length - before).toBe(3);
    const letter = gw.audit.records.find((r) => r.event === "SECURITY_NOTICE_DEAD_LETTER" && r.subject === sub);
    expect(letter).toMatchObject({ outcome: "FAILURE", reason: "HTTP_503", target: "RECOVERY_CODE_USED" });
    expect(JSON.stringify(letter)).not.toContain(user.email);
  });

  it("a new passkey is announced to the owner too (whoever holds a fresh session could have added it)", async () => {
    const user = await enrolledUser(gw);
    const key = new SoftAuthenticator({ origin: "http://localhost:4000" });
    const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).beginPasskeyRegistration;
    dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: key.register(options), nickname: "Desk key" }, { token: user.accessToken }));
    expect(await delivered()).toContainEqual(expect.objectContaining({ type: "PASSKEY_ADDED", email: user.email, nickname: "Desk key" }));
  });

  it("counts wrong codes in the account lockout", async () => {
    const user = await enrolledUser(gw);
    await gw.run(GenerateRecoveryCodesDocument, { code: await freshCode(user.secret) }, { token: user.accessToken });
    for (let i = 0; i < 5; i++) expect(errorOf(await gw.run(RespondWithRecoveryCodeDocument, { session: await passwordStep(user.email), code: "aaaaa-aaaaa" })).extensions.code).toBe("CODE_MISMATCH");
    expect(errorOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).extensions.code).toBe("ACCOUNT_LOCKED");
  });

  it("needs a fresh second factor in the request to generate codes, even right after login", async () => {
    const user = await enrolledUser(gw);
    expect(errorOf(await gw.run(GenerateRecoveryCodesDocument, {}, { token: user.accessToken })).extensions).toMatchObject({ code: "FORBIDDEN", reason: "STEP_UP_REQUIRED" });
    expect(dataOf(await gw.run(RecoveryCodesLeftDocument, {}, { token: user.accessToken })).recoveryCodesLeft).toBe(0);
  });

  it("are off without CUSTOM_AUTH_PRIVATE_KEY (AWS mode without passkeys): FORBIDDEN before the login handle is spent", async () => {
    const bare = await startTestGateway({ clock, settings: { customAuthPrivateKey: undefined, webauthn: undefined } });
    try {
      const user = await enrolledUser(bare);
      const disabled = { code: "FORBIDDEN", reason: "RECOVERY_CODES_DISABLED" };
      expect(errorOf(await bare.run(GenerateRecoveryCodesDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).extensions).toMatchObject(disabled);
      const session = dataOf(await bare.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge!.session;
      expect(errorOf(await bare.run(RespondWithRecoveryCodeDocument, { session, code: "aaaaa-aaaaa" })).extensions).toMatchObject(disabled);
      // The same login goes on with the authenticator.
      expect(dataOf(await bare.run(RespondToMfaDocument, { session, code: await freshCode(user.secret) })).respondToMfa.tokens?.accessToken).toBeTruthy();
    } finally {
      await bare.close();
    }
  });
});

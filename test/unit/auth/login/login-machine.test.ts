import { randomUUID } from "node:crypto";
import type { AuditEvent, RequestMeta } from "../../../../src/audit/audit-event";
import { AccessStateReader } from "../../../../src/auth/access-state";
import { setFlags } from "../../../../src/auth/account-records";
import type { Factor, FactorContext, FactorVerdict } from "../../../../src/auth/factors/factor";
import type { ProviderAuthResult, ProviderTokens } from "../../../../src/auth/identity-provider";
import { LoginHandles } from "../../../../src/auth/login/login-handles";
import { LoginMachine } from "../../../../src/auth/login/login-machine";
import type { TokenRelease } from "../../../../src/auth/login/token-release";
import { ErrorCode, GatewayError } from "../../../../src/errors/error-codes";
import { IdleTimeout } from "../../../../src/policy/idle-timeout";
import { PasswordRotation } from "../../../../src/policy/password-rotation";
import { SecurityEpoch } from "../../../../src/policy/security-epoch";
import { MemoryStore } from "../../../../src/store/memory-store";
import { FakeClock } from "../../../fakes/fake-clock";
import { signHs256 } from "../../../support/jwt";

/**
 * The login machine on fakes: a memory store and a fake clock under the real handles, epoch and access
 * reader; scripted factors and provider answers; a release that only records what reached it. Each test
 * walks one arrow of the login table and checks what the machine decided.
 */
const meta: RequestMeta = { requestId: "r", ip: "127.0.0.1" } as RequestMeta;
const event: AuditEvent = { event: "MFA_CHALLENGE", outcome: "SUCCESS" };
const email = "someone@example.test";

const tokensFor = (sub: string, clock: FakeClock): ProviderTokens => ({
  accessToken: signHs256({ header: { alg: "HS256" }, payload: { sub, jti: randomUUID(), exp: Math.floor(clock.now() / 1000) + 3600, client_id: "c" } }, "k"),
  idToken: "id",
  refreshToken: "refresh",
  expiresIn: 3600,
  tokenType: "Bearer",
});

type Script = { verdict: (ctx: FactorContext, answer: string) => FactorVerdict; configured?: boolean };

const fakeFactor = (id: Factor["id"], answers: Factor["answers"], script: Script, retryable = answers === "code"): Factor & { asked: FactorContext[] } => {
  const asked: FactorContext[] = [];
  return {
    id,
    answers,
    asked,
    assurance: "possession",
    limiter: "lockout",
    events: [],
    retryable,
    configuredFor: async () => script.configured ?? false,
    challenge: async () => ({ options: `{"for":"${id}"}`, challenge: `challenge-${id}` }),
    verify: async (ctx, answer) => {
      asked.push(ctx);
      return script.verdict(ctx, answer);
    },
  };
};

const setUp = (provider: { passwordAuth: () => Promise<ProviderAuthResult> }, factors: Factor[]) => {
  const clock = new FakeClock();
  const store = new MemoryStore(clock, 0);
  const epoch = new SecurityEpoch({ store, clock });
  const handles = new LoginHandles({ store, clock, ttlSeconds: 300, epoch });
  const rotation = new PasswordRotation({ store, clock, maxAgeDays: 90 });
  const access = new AccessStateReader({ store, rotation, idle: new IdleTimeout({ store, clock, idleTimeoutSeconds: 900, writeIntervalSeconds: 60 }) });
  const opened: ProviderTokens[] = [];
  const release: Pick<TokenRelease, "open"> = {
    open: async (tokens) => {
      opened.push(tokens);
      return { result: { tokens }, sessionId: "session-1", sub: "sub-1", audit: { subject: "sub-1", outcome: "SUCCESS" } };
    },
  };
  const machine = new LoginMachine({
    idp: { passwordAuth: provider.passwordAuth, answerMfaSetup: async () => ({ kind: "tokens", tokens: tokensFor("sub-1", clock) }) },
    // Without a next step, guard answers with the check's own result (U defaults to T).
    lockout: { guard: async (_email, _meta, check, then) => (then ? then(await check()) : ((await check()) as never)) },
    handles,
    epoch,
    access,
    sessions: { endAll: async () => 0 },
    factors,
    passwords: { setFirst: async () => ({ kind: "challenge", name: "SOFTWARE_TOKEN_MFA", session: "provider-session", username: "sub-1" }), replaceExpired: async () => ({ ended: 0, notice: {} }) },
    release,
    passkeys: { removeAll: async () => 0 },
    notifier: { accountChanged: () => undefined },
    clock,
  });
  return { clock, store, epoch, machine, opened, rotation };
};

const mfaStep = async (): Promise<ProviderAuthResult> => ({ kind: "challenge", name: "SOFTWARE_TOKEN_MFA", session: "provider-session", username: "sub-1" });
const challengeOf = (outcome: { result: { challenge?: { name: string; session: string; alternatives?: string[] } } }) => {
  if (!outcome.result.challenge) throw new Error("expected a challenge");
  return outcome.result.challenge;
};

describe("the login machine", () => {
  const success = (clock: () => FakeClock, proves: "totp" | "webauthn" | "webauthn-uv" | "recovery-code") => (ctx: FactorContext): FactorVerdict => ({
    outcome: "success",
    proves,
    account: ctx.account ?? { sub: "sub-1", email },
    tokens: tokensFor("sub-1", clock()),
  });

  it("password → SOFTWARE_TOKEN_MFA → tokens: the machine hands the factor the login's account and provider session, and releases once", async () => {
    let clock!: FakeClock;
    const totp = fakeFactor("totp", "code", { verdict: (ctx) => success(() => clock, "totp")(ctx) });
    const passkey = fakeFactor("webauthn", "challenge", { verdict: () => ({ outcome: "failure", error: new GatewayError(ErrorCode.INVALID_CREDENTIALS) }), configured: true });
    const rig = setUp({ passwordAuth: mfaStep }, [totp, passkey]);
    clock = rig.clock;
    const step = challengeOf(await rig.machine.password(email, "pw", meta));
    expect(step).toMatchObject({ name: "SOFTWARE_TOKEN_MFA", alternatives: ["WEBAUTHN"] });
    const done = await rig.machine.answer(step.session, "totp", "123456", meta, event);
    expect(done.result.tokens).toBeDefined();
    expect(rig.opened).toHaveLength(1);
    expect(totp.asked[0]).toMatchObject({ account: { sub: "sub-1", email }, providerSession: "provider-session" });
    // Single use: the same handle cannot release twice.
    await expect(rig.machine.answer(step.session, "totp", "123456", meta, event)).rejects.toMatchObject({ code: ErrorCode.SESSION_EXPIRED });
  });

  it("a wrong code gives the handle back, one attempt fewer: three wrong codes end the login", async () => {
    const totp = fakeFactor("totp", "code", { verdict: () => ({ outcome: "failure", error: new GatewayError(ErrorCode.CODE_MISMATCH) }) });
    const rig = setUp({ passwordAuth: mfaStep }, [totp]);
    const step = challengeOf(await rig.machine.password(email, "pw", meta));
    for (let i = 0; i < 3; i++) await expect(rig.machine.answer(step.session, "totp", "000000", meta, event)).rejects.toMatchObject({ code: ErrorCode.CODE_MISMATCH });
    await expect(rig.machine.answer(step.session, "totp", "000000", meta, event)).rejects.toMatchObject({ code: ErrorCode.SESSION_EXPIRED });
    expect(totp.asked).toHaveLength(3);
    expect(rig.opened).toEqual([]);
  });

  it("a refused passkey does not give its handle back (only code factors are retryable)", async () => {
    const totp = fakeFactor("totp", "code", { verdict: () => ({ outcome: "failure", error: new GatewayError(ErrorCode.CODE_MISMATCH) }) });
    const passkey = fakeFactor("webauthn", "challenge", { verdict: () => ({ outcome: "failure", error: new GatewayError(ErrorCode.INVALID_CREDENTIALS) }) });
    const rig = setUp({ passwordAuth: mfaStep }, [totp, passkey]);
    const step = challengeOf(await rig.machine.password(email, "pw", meta));
    expect(step.alternatives).toBeUndefined();
    const { session } = (await rig.machine.challenge(step.session, "webauthn", meta, event)).result;
    await expect(rig.machine.answer(session, "webauthn", "{}", meta, event)).rejects.toMatchObject({ code: ErrorCode.INVALID_CREDENTIALS });
    expect(passkey.asked[0]).toMatchObject({ challenge: "challenge-webauthn" });
    await expect(rig.machine.answer(session, "webauthn", "{}", meta, event)).rejects.toMatchObject({ code: ErrorCode.SESSION_EXPIRED });
  });

  it("a recovery code is no second factor: it leads to MFA_SETUP, never to tokens", async () => {
    let clock!: FakeClock;
    const recovery = fakeFactor("recovery-code", "code", { verdict: (ctx) => ({ ...(success(() => clock, "recovery-code")(ctx) as Extract<FactorVerdict, { outcome: "success" }>), note: "CODES_LEFT:9" }) }, false);
    const rig = setUp({ passwordAuth: mfaStep }, [fakeFactor("totp", "code", { verdict: () => ({ outcome: "failure", error: new GatewayError(ErrorCode.CODE_MISMATCH) }) }), recovery]);
    clock = rig.clock;
    const step = challengeOf(await rig.machine.password(email, "pw", meta));
    const next = await rig.machine.answer(step.session, "recovery-code", "abcd-efgh", meta, event);
    expect(challengeOf(next).name).toBe("MFA_SETUP");
    expect(next.audit?.reason).toBe("MFA_SETUP;CODES_LEFT:9");
    expect(rig.opened).toEqual([]);
  });

  it("asks the access policy once the password named the account: a disabled one is refused like a wrong password", async () => {
    const rig = setUp({ passwordAuth: mfaStep }, [fakeFactor("totp", "code", { verdict: () => ({ outcome: "failure", error: new GatewayError(ErrorCode.CODE_MISMATCH) }) })]);
    await setFlags(rig.store, "sub-1", { disabled: true });
    await expect(rig.machine.password(email, "pw", meta)).rejects.toMatchObject({ code: ErrorCode.INVALID_CREDENTIALS });
  });

  it("asks it again before tokens: an account disabled during the MFA step gets none", async () => {
    let clock!: FakeClock;
    const rig = setUp({ passwordAuth: mfaStep }, [fakeFactor("totp", "code", { verdict: (ctx) => success(() => clock, "totp")(ctx) })]);
    clock = rig.clock;
    const step = challengeOf(await rig.machine.password(email, "pw", meta));
    await setFlags(rig.store, "sub-1", { disabled: true });
    await expect(rig.machine.answer(step.session, "totp", "123456", meta, event)).rejects.toMatchObject({ code: ErrorCode.INVALID_CREDENTIALS });
    expect(rig.opened).toEqual([]);
  });

  it("an expired password is owed after both factors (PASSWORD_EXPIRED holds the tokens); hosted login has no such stage and opens the session", async () => {
    let clock!: FakeClock;
    const rig = setUp({ passwordAuth: mfaStep }, [fakeFactor("totp", "code", { verdict: (ctx) => success(() => clock, "totp")(ctx) })]);
    clock = rig.clock;
    await rig.store.set(PasswordRotation.key("sub-1"), String(Math.floor(clock.now() / 1000) - 91 * 86400), 3600);
    const step = challengeOf(await rig.machine.password(email, "pw", meta));
    expect(challengeOf(await rig.machine.answer(step.session, "totp", "123456", meta, event)).name).toBe("PASSWORD_EXPIRED");
    expect(rig.opened).toEqual([]);
    await rig.machine.hosted(tokensFor("sub-1", clock), email, meta);
    expect(rig.opened).toHaveLength(1);
  });

  it("a handle is refused once the account's security epoch moved (sign-out everywhere, a lock, a reset…)", async () => {
    let clock!: FakeClock;
    const rig = setUp({ passwordAuth: mfaStep }, [fakeFactor("totp", "code", { verdict: (ctx) => success(() => clock, "totp")(ctx) })]);
    clock = rig.clock;
    const step = challengeOf(await rig.machine.password(email, "pw", meta));
    clock.advanceSeconds(1);
    await rig.epoch.bump("sub-1");
    await expect(rig.machine.answer(step.session, "totp", "123456", meta, event)).rejects.toMatchObject({ code: ErrorCode.SESSION_EXPIRED });
    expect(rig.opened).toEqual([]);
  });

  it("a passkey alone: the factor names the account; tokens only for possession and inherence in one gesture", async () => {
    let clock!: FakeClock;
    let proves: "webauthn" | "webauthn-uv" = "webauthn-uv";
    const passkey = fakeFactor("webauthn", "challenge", { verdict: () => ({ outcome: "success", proves, account: { sub: "sub-1", email }, tokens: tokensFor("sub-1", clock), target: "credential-digest" }) });
    const rig = setUp({ passwordAuth: mfaStep }, [passkey]);
    clock = rig.clock;
    const begun = (await rig.machine.beginAlone("Someone@Example.test", meta, event)).result;
    const done = await rig.machine.answerAlone(begun.session, "{}", meta, event);
    expect(done.audit?.target).toBe("credential-digest");
    expect(passkey.asked[0]).toMatchObject({ account: undefined, alone: true, claimedEmail: email, challenge: "challenge-webauthn" });
    proves = "webauthn";
    const again = (await rig.machine.beginAlone(undefined, meta, event)).result;
    await expect(rig.machine.answerAlone(again.session, "{}", meta, event)).rejects.toMatchObject({ code: ErrorCode.INTERNAL_SERVER_ERROR });
    expect(rig.opened).toHaveLength(1);
  });
});

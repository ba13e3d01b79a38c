import {
  AdminDisableUserDocument,
  BeginMfaSetupDocument,
  BeginPasskeyLoginDocument,
  BeginPasskeyMfaDocument,
  BeginPasskeyRegistrationDocument,
  CompleteMfaSetupDocument,
  CompletePasskeyLoginDocument,
  CompletePasskeyRegistrationDocument,
  GenerateRecoveryCodesDocument,
  LoginDocument,
  MeDocument,
  RecoveryCodesLeftDocument,
  RefreshTokensDocument,
  RemovePasskeyDocument,
  RenamePasskeyDocument,
  RespondToMfaDocument,
  RespondWithPasskeyDocument,
  RespondWithRecoveryCodeDocument,
} from "../generated/graphql";
import { FakeClock } from "../fakes/fake-clock";
import { dataOf, errorOf, type GraphQLResponse } from "../support/graphql-client";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { passkeyStepUp } from "../support/step-up";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { adminUser, enrolledUser, freshCode, loginWithMfa, PASSWORD, totp, type EnrolledUser } from "../support/users";

/** Seams between passkeys, recovery codes, lockout, step-up and account state. Each `it` asserts what SHOULD happen. */
const origin = "http://localhost:4000";
const clock = new FakeClock();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ clock, notifier: { recoveryCodeUsed: () => undefined, passkeyAdded: () => undefined, passwordChanged: () => undefined, accountChanged: () => undefined, emailChanged: () => undefined, settled: async () => undefined } });
});
afterAll(() => gw.close());

type Keyed = EnrolledUser & { key: SoftAuthenticator; sub: string };
const withPasskey = async (settings: Partial<ConstructorParameters<typeof SoftAuthenticator>[0]> = {}): Promise<Keyed> => {
  const user = await enrolledUser(gw);
  const key = new SoftAuthenticator({ origin, ...settings });
  const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).beginPasskeyRegistration;
  dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: key.register(options), nickname: "Phone" }, { token: user.accessToken }));
  const sub = dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
  return { ...user, key, sub };
};
const passkeyLogin = async (key: SoftAuthenticator, email?: string, overrides: { counter?: number } = {}) => {
  const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, { email })).beginPasskeyLogin;
  return gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: key.assert(begun.options, overrides) });
};
const passwordStep = async (email: string) => dataOf(await gw.run(LoginDocument, { email, password: PASSWORD })).login.challenge!.session;
const clean = (r: GraphQLResponse<unknown>) => {
  const text = JSON.stringify(r.errors ?? []);
  expect(text).not.toMatch(/stack|at Object|TypeError|Cognito|Exception|\.ts:/i);
};

describe("ATTACK: passkey seams", () => {
  it("two requests racing on one passkey-login handle: exactly one gets tokens", async () => {
    const user = await withPasskey();
    const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
    const answer = user.key.assert(begun.options);
    const results = await Promise.all([0, 1, 2, 3].map(() => gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: answer })));
    expect(results.filter((r) => r.data?.completePasskeyLogin?.tokens).length).toBe(1);
    for (const r of results) clean(r);
  });

  // README: "a disabled account answers INVALID_CREDENTIALS here, like a wrong password". The passkey path asks
  // Cognito (CUSTOM_AUTH) before the gateway's own disabled check, and Cognito's refusal maps to SESSION_EXPIRED.
  it("passkey alone for a disabled account: refused like a wrong password, no tokens, clean error", async () => {
    const admin = await adminUser(gw);
    const user = await withPasskey();
    dataOf(await gw.run(AdminDisableUserDocument, { userId: user.sub }, { token: admin.accessToken }));
    const refused = await passkeyLogin(user.key);
    expect(refused.data?.completePasskeyLogin ?? null).toBeNull();
    expect(errorOf(refused).extensions.code).toBe("INVALID_CREDENTIALS");
    expect(refused.status).toBe(200);
    clean(refused);
  });

  it("passkey alone for a locked account: ACCOUNT_LOCKED, never tokens (lock reached by mixing password, TOTP, passkey and recovery-code failures)", async () => {
    const user = await withPasskey();
    dataOf(await gw.run(GenerateRecoveryCodesDocument, { code: await freshCode(user.secret) }, { token: user.accessToken }));
    // A good sign-in first moves the stored counter to 50 (a completed login clears the failure count, so it goes first).
    dataOf(await passkeyLogin(user.key, undefined, { counter: 50 }));
    // 1: wrong password
    expect(errorOf(await gw.run(LoginDocument, { email: user.email, password: "Wrong-Horse-Battery-9" })).extensions.code).toBe("INVALID_CREDENTIALS");
    // 2: wrong TOTP code
    expect(errorOf(await gw.run(RespondToMfaDocument, { session: await passwordStep(user.email), code: totp(user.secret, 7) })).extensions.code).toBe("CODE_MISMATCH");
    // 3: passkey as second factor, cloned counter
    const mfa = dataOf(await gw.run(BeginPasskeyMfaDocument, { session: await passwordStep(user.email) })).beginPasskeyMfa;
    expect(errorOf(await gw.run(RespondWithPasskeyDocument, { session: mfa.session, response: user.key.assert(mfa.options, { counter: 3 }) })).extensions.code).toBe("INVALID_CREDENTIALS");
    // 4: passkey alone, cloned counter
    expect(errorOf(await passkeyLogin(user.key, undefined, { counter: 4 })).extensions.code).toBe("INVALID_CREDENTIALS");
    // 5: wrong recovery code
    expect(errorOf(await gw.run(RespondWithRecoveryCodeDocument, { session: await passwordStep(user.email), code: "aaaaa-aaaaa" })).extensions.code).toBe("CODE_MISMATCH");
    // Locked now, whichever door.
    expect(errorOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).extensions.code).toBe("ACCOUNT_LOCKED");
    const viaKey = await passkeyLogin(user.key, undefined, { counter: 100 });
    expect(viaKey.data?.completePasskeyLogin ?? null).toBeNull();
    expect(errorOf(viaKey).extensions.code).toBe("ACCOUNT_LOCKED");
  });

  it("neither a fresh login nor a refresh stands in for the step-up: without a factor in the request, no passkey and no recovery codes", async () => {
    const user = await enrolledUser(gw);
    const refreshed = dataOf(await gw.run(RefreshTokensDocument, { refreshToken: user.refreshToken })).refreshTokens.tokens!;
    for (const token of [user.accessToken, refreshed.accessToken]) {
      expect(errorOf(await gw.run(BeginPasskeyRegistrationDocument, {}, { token })).extensions).toMatchObject({ code: "FORBIDDEN", reason: "STEP_UP_REQUIRED" });
      expect(errorOf(await gw.run(GenerateRecoveryCodesDocument, {}, { token })).extensions).toMatchObject({ code: "FORBIDDEN", reason: "STEP_UP_REQUIRED" });
    }
  });

  it("a registration answer is bound to its session: not usable by another session of the same user, nor another user, nor twice", async () => {
    const user = await enrolledUser(gw);
    const second = (await loginWithMfa(gw, user)).tokens!;
    const other = await enrolledUser(gw);
    const key = new SoftAuthenticator({ origin });
    const optionsA = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).beginPasskeyRegistration;
    const answer = key.register(optionsA);
    dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(user.secret) }, { token: second.accessToken }));
    dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(other.secret) }, { token: other.accessToken }));
    const inB = await gw.run(CompletePasskeyRegistrationDocument, { response: answer, nickname: "x" }, { token: second.accessToken });
    expect(inB.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    const inOther = await gw.run(CompletePasskeyRegistrationDocument, { response: answer, nickname: "x" }, { token: other.accessToken });
    expect(inOther.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: answer, nickname: "ok" }, { token: user.accessToken }));
    expect(errorOf(await gw.run(CompletePasskeyRegistrationDocument, { response: answer, nickname: "again" }, { token: user.accessToken })).extensions.code).toBe("SESSION_EXPIRED");
  });

  it("another user's passkey cannot be renamed or removed", async () => {
    const victim = await withPasskey();
    const attacker = await enrolledUser(gw);
    expect(errorOf(await gw.run(RenamePasskeyDocument, { id: victim.key.id, nickname: "pwned" }, { token: attacker.accessToken })).extensions.code).toBe("NOT_FOUND");
    expect(errorOf(await gw.run(RemovePasskeyDocument, { id: victim.key.id }, { token: attacker.accessToken })).extensions.code).toBe("NOT_FOUND");
  });

  it("malformed passkey answers: a public code, no stack or library text, and never 500", async () => {
    const user = await withPasskey();
    for (const body of ["x", "{}", JSON.stringify({ id: "AAAA", response: {} }), JSON.stringify({ id: "AAAA", response: { clientDataJSON: "e30", attestationObject: "oA" } })]) {
      dataOf(await gw.run(BeginPasskeyRegistrationDocument, await passkeyStepUp(gw, user.accessToken, user.key), { token: user.accessToken }));
      const r = await gw.run(CompletePasskeyRegistrationDocument, { response: body, nickname: "x" }, { token: user.accessToken });
      expect(r.status).toBeLessThan(500);
      expect(errorOf(r).extensions.code).toBe("BAD_USER_INPUT");
      clean(r);
    }
    const begun = () => gw.run(BeginPasskeyLoginDocument, {}).then((r) => dataOf(r).beginPasskeyLogin);
    const good = JSON.parse(user.key.assert((await begun()).options)) as Record<string, unknown>;
    const bodies = [
      "not json",
      "{}",
      JSON.stringify({ id: "AAAA" }),
      JSON.stringify({ id: user.key.id }),
      JSON.stringify({ id: user.key.id, response: null }),
      JSON.stringify({ id: user.key.id, response: { clientDataJSON: "!!!", authenticatorData: "%%%", signature: "x" } }),
      JSON.stringify({ ...good, rawId: "Zm9v" }),
      JSON.stringify({ ...good, type: "nope" }),
    ];
    for (const body of bodies) {
      const r = await gw.run(CompletePasskeyLoginDocument, { session: (await begun()).session, response: body });
      expect(r.status).toBeLessThan(500);
      expect(["BAD_USER_INPUT", "INVALID_CREDENTIALS"]).toContain(errorOf(r).extensions.code);
      clean(r);
    }
  });

  it("after a recovery code (lost phone), a passkey registered on that phone no longer signs in alone", async () => {
    // The README: a recovery code is "the way back after a lost phone"; every session of the account ends because
    // "whoever has the phone may be signed in". A synced or platform passkey on the same lost phone is not revoked.
    const user = await withPasskey();
    const codes = dataOf(await gw.run(GenerateRecoveryCodesDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).generateRecoveryCodes;
    const recovered = dataOf(await gw.run(RespondWithRecoveryCodeDocument, { session: await passwordStep(user.email), code: codes[0]! })).respondWithRecoveryCode;
    const setup = dataOf(await gw.run(BeginMfaSetupDocument, { session: recovered.challenge!.session })).beginMfaSetup;
    dataOf(await gw.run(CompleteMfaSetupDocument, { session: setup.session, code: await freshCode(setup.secret) }));
    const thief = await passkeyLogin(user.key);
    expect(thief.data?.completePasskeyLogin?.tokens ?? null).toBeNull();
  });
});

describe("ATTACK: recovery-code seams", () => {
  it("one code used on two handles at once: exactly one MFA_SETUP", async () => {
    const user = await enrolledUser(gw);
    const codes = dataOf(await gw.run(GenerateRecoveryCodesDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).generateRecoveryCodes;
    const [h1, h2] = [await passwordStep(user.email), await passwordStep(user.email)];
    const results = await Promise.all([h1, h2].map((session) => gw.run(RespondWithRecoveryCodeDocument, { session, code: codes[1]! })));
    expect(results.filter((r) => r.data?.respondWithRecoveryCode?.challenge?.name === "MFA_SETUP").length).toBe(1);
  });

  it("a code of another account is refused", async () => {
    const alice = await enrolledUser(gw);
    const bob = await enrolledUser(gw);
    const codes = dataOf(await gw.run(GenerateRecoveryCodesDocument, { code: await freshCode(alice.secret) }, { token: alice.accessToken })).generateRecoveryCodes;
    dataOf(await gw.run(GenerateRecoveryCodesDocument, { code: await freshCode(bob.secret) }, { token: bob.accessToken }));
    expect(errorOf(await gw.run(RespondWithRecoveryCodeDocument, { session: await passwordStep(bob.email), code: codes[0]! })).extensions.code).toBe("CODE_MISMATCH");
  });

  it("the MFA_SETUP handle a recovery code yields opens nothing but enrolment", async () => {
    const user = await withPasskey();
    const codes = dataOf(await gw.run(GenerateRecoveryCodesDocument, await passkeyStepUp(gw, user.accessToken, user.key), { token: user.accessToken })).generateRecoveryCodes;
    const fresh = async () => dataOf(await gw.run(RespondWithRecoveryCodeDocument, { session: await passwordStep(user.email), code: codes.pop()! })).respondWithRecoveryCode.challenge!.session;
    // The handle is refused before any code is looked at: the current step's code (not reserved) will do.
    expect(errorOf(await gw.run(RespondToMfaDocument, { session: await fresh(), code: totp(user.secret) })).extensions.code).toBe("SESSION_EXPIRED");
    expect(errorOf(await gw.run(CompleteMfaSetupDocument, { session: await fresh(), code: totp(user.secret) })).extensions.code).toBe("SESSION_EXPIRED");
    expect(errorOf(await gw.run(BeginPasskeyMfaDocument, { session: await fresh() })).extensions.code).toBe("SESSION_EXPIRED");
    expect(errorOf(await gw.run(RespondWithRecoveryCodeDocument, { session: await fresh(), code: codes.pop()! })).extensions.code).toBe("SESSION_EXPIRED");
  });

  it("two concurrent generateRecoveryCodes leave exactly one working set of ten (a generation in progress refuses the other)", async () => {
    const user = await enrolledUser(gw);
    const stepUps = [await freshCode(user.secret), await freshCode(user.secret)];
    const results = await Promise.all(stepUps.map((code) => gw.run(GenerateRecoveryCodesDocument, { code }, { token: user.accessToken })));
    expect(results.flatMap((r) => r.errors?.map((e) => e.extensions.code) ?? []).every((code) => code === "TOO_MANY_REQUESTS")).toBe(true);
    const sets = results.flatMap((r) => (r.data ? [r.data.generateRecoveryCodes] : []));
    expect(sets.length).toBeGreaterThan(0);
    const left = dataOf(await gw.run(RecoveryCodesLeftDocument, {}, { token: user.accessToken })).recoveryCodesLeft;
    const works = async (code: string) => (await gw.run(RespondWithRecoveryCodeDocument, { session: await passwordStep(user.email), code })).data?.respondWithRecoveryCode?.challenge?.name === "MFA_SETUP";
    const working: boolean[] = [];
    for (const set of sets) working.push(await works(set[0]!));
    expect({ left, working: working.filter(Boolean).length }).toEqual({ left: 10, working: 1 });
  });
});

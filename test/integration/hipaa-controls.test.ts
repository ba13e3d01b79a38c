import { loadConfig, type PolicySettings } from "../../src/config";
import { PasswordRotation } from "../../src/policy/password-rotation";
import {
  AdminUnlockUserDocument,
  BeginPasskeyRegistrationDocument,
  ChangePasswordDocument,
  CompletePasskeyRegistrationDocument,
  CompleteExpiredPasswordDocument,
  ConfirmForgotPasswordDocument,
  ForgotPasswordDocument,
  LoginDocument,
  MeDocument,
  RefreshTokensDocument,
  RespondToMfaDocument,
} from "../generated/graphql";
import { FakeClock } from "../fakes/fake-clock";
import { TEST_CODE } from "../setup/test-cognito";
import { countingIdp } from "../support/counting-idp";
import { dataOf, errorOf } from "../support/graphql-client";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { passkeyStepUp } from "../support/step-up";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { adminStepUp, adminUser, enrolledUser, PASSWORD, freshCode, uniqueEmail } from "../support/users";

const defaults = loadConfig({}).policy;
const withPolicy = (policy: Partial<PolicySettings>) => ({ settings: { policy: { ...defaults, ...policy } } });
const WRONG = "Wrong-Passw0rd-!!";

const codeOf = async (pending: Promise<{ errors?: { extensions: { code: string } }[] }>) => (await pending).errors?.[0]?.extensions.code;
const failLogins = async (gw: TestGateway, email: string, times: number) => {
  for (let i = 0; i < times; i++) expect(await codeOf(gw.run(LoginDocument, { email, password: WRONG }))).toBe("INVALID_CREDENTIALS");
};
const subOf = async (gw: TestGateway, token: string) => dataOf(await gw.run(MeDocument, {}, { token })).me.sub;

describe("account lockout", () => {
  let gw: TestGateway;
  let clock: FakeClock;
  beforeAll(async () => {
    clock = new FakeClock();
    gw = await startTestGateway({ clock });
  });
  afterAll(() => gw.close());

  it("locks after 5 wrong passwords, even against the right one, and says so the same way for an unknown email", async () => {
    const user = await enrolledUser(gw);
    await failLogins(gw, user.email, 5);
    const locked = errorOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD }));
    const unknown = uniqueEmail();
    await failLogins(gw, unknown, 5);
    expect(locked.extensions).toEqual({ code: "ACCOUNT_LOCKED", retryAfterSeconds: 900 });
    expect(errorOf(await gw.run(LoginDocument, { email: unknown, password: WRONG }))).toEqual(locked);
    expect(gw.audit.records.filter((r) => r.event === "LOCKOUT" && r.subject === undefined)).toHaveLength(1);
  });

  it("refuses the live session of a locked account (isActive), and lifts the lock after its duration", async () => {
    const user = await enrolledUser(gw);
    await failLogins(gw, user.email, 5);
    expect(errorOf(await gw.run(MeDocument, {}, { token: user.accessToken })).extensions).toEqual({ code: "FORBIDDEN", reason: "ACCOUNT_LOCKED" });
    clock.advanceSeconds(901);
    const login = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge!;
    expect(login.name).toBe("SOFTWARE_TOKEN_MFA");
  });

  it("counts wrong MFA codes like wrong passwords", async () => {
    const user = await enrolledUser(gw);
    for (const codes of [["000001", "000002", "000003"], ["000004", "000005"]]) {
      const session = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge!.session;
      for (const code of codes) expect(await codeOf(gw.run(RespondToMfaDocument, { session, code }))).toBe("CODE_MISMATCH");
    }
    expect(await codeOf(gw.run(LoginDocument, { email: user.email, password: PASSWORD }))).toBe("ACCOUNT_LOCKED");
  });

  it("resets the count on a completed login", async () => {
    const user = await enrolledUser(gw);
    await failLogins(gw, user.email, 4);
    const session = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge!.session;
    dataOf(await gw.run(RespondToMfaDocument, { session, code: await freshCode(user.secret) }));
    await failLogins(gw, user.email, 4);
    expect(dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge?.name).toBe("SOFTWARE_TOKEN_MFA");
  });

  it("counts a wrong current password in changePassword", async () => {
    const user = await enrolledUser(gw);
    // Each attempt carries a fresh factor (a passkey of the user answers them: TOTP codes are one per 30 s).
    const key = new SoftAuthenticator({ origin: "http://localhost:4000" });
    const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).beginPasskeyRegistration;
    dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: key.register(options), nickname: "Key" }, { token: user.accessToken }));
    for (let i = 0; i < 5; i++) {
      const stepUp = await passkeyStepUp(gw, user.accessToken, key);
      expect(await codeOf(gw.run(ChangePasswordDocument, { currentPassword: WRONG, newPassword: "Brand-New-Passw0rd", ...stepUp }, { token: user.accessToken }))).toBe("INVALID_CREDENTIALS");
    }
    expect(await codeOf(gw.run(LoginDocument, { email: user.email, password: PASSWORD }))).toBe("ACCOUNT_LOCKED");
  });
});

describe("lockout under concurrency", () => {
  it("50 parallel wrong logins: exactly one lock, at most 5 password checks at Cognito", async () => {
    const counted = countingIdp();
    const gw = await startTestGateway({ idp: counted.idp });
    try {
      const user = await enrolledUser(gw);
      const before = counted.calls.filter((c) => c === "InitiateAuthCommand").length;
      const codes = await Promise.all(Array.from({ length: 50 }, () => codeOf(gw.run(LoginDocument, { email: user.email, password: WRONG }))));
      expect(codes.filter((c) => c === "INVALID_CREDENTIALS")).toHaveLength(5);
      expect(codes.filter((c) => c === "ACCOUNT_LOCKED")).toHaveLength(45);
      expect(counted.calls.filter((c) => c === "InitiateAuthCommand").length - before).toBe(5);
      expect(gw.audit.records.filter((r) => r.event === "LOCKOUT")).toHaveLength(1);
    } finally {
      await gw.close();
    }
  });
});

describe("lockout until an administrator unlocks", () => {
  it("stays locked with LOCKOUT_DURATION_SECONDS=0 until adminUnlockUser", async () => {
    const clock = new FakeClock();
    const gw = await startTestGateway({ clock, ...withPolicy({ lockoutDurationSeconds: 0 }) });
    try {
      const user = await enrolledUser(gw);
      const sub = await subOf(gw, user.accessToken);
      await failLogins(gw, user.email, 5);
      clock.advanceSeconds(30 * 24 * 3600);
      const admin = await adminUser(gw);
      expect(errorOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).extensions).toEqual({ code: "ACCOUNT_LOCKED" });
      dataOf(await gw.run(AdminUnlockUserDocument, { userId: sub, ...(await adminStepUp(admin)) }, { token: admin.accessToken }));
      expect(dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge?.name).toBe("SOFTWARE_TOKEN_MFA");
    } finally {
      await gw.close();
    }
  });
});

describe("failed logins per client address", () => {
  it("stops one address spraying many accounts with TOO_MANY_REQUESTS", async () => {
    const gw = await startTestGateway(withPolicy({ loginFailuresPerAddress: 3 }));
    try {
      for (let i = 0; i < 3; i++) await failLogins(gw, uniqueEmail(), 1);
      const error = errorOf(await gw.run(LoginDocument, { email: uniqueEmail(), password: WRONG }));
      expect(error.extensions).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfterSeconds: expect.any(Number) });
    } finally {
      await gw.close();
    }
  });
});

describe("idle logoff", () => {
  let gw: TestGateway;
  let clock: FakeClock;
  beforeAll(async () => {
    clock = new FakeClock();
    gw = await startTestGateway({ clock });
  });
  afterAll(() => gw.close());

  it("ends a session unused for 15 minutes: the next request and its refresh are refused", async () => {
    const user = await enrolledUser(gw);
    clock.advanceSeconds(901);
    const response = await gw.run(MeDocument, {}, { token: user.accessToken });
    expect(response.status).toBe(401);
    expect(errorOf(response).extensions).toEqual({ code: "UNAUTHENTICATED", reason: "SESSION_IDLE" });
    expect(gw.audit.records.some((r) => r.event === "IDLE_TIMEOUT")).toBe(true);
    expect(errorOf(await gw.run(RefreshTokensDocument, { refreshToken: user.refreshToken })).extensions.code).toBe("UNAUTHENTICATED");
  });

  it("refuses to refresh an idle session back to life", async () => {
    const user = await enrolledUser(gw);
    clock.advanceSeconds(901);
    expect(errorOf(await gw.run(RefreshTokensDocument, { refreshToken: user.refreshToken })).extensions).toEqual({ code: "UNAUTHENTICATED", reason: "SESSION_IDLE" });
  });

  it("keeps a used session alive", async () => {
    const user = await enrolledUser(gw);
    for (let i = 0; i < 3; i++) {
      clock.advanceSeconds(600);
      expect(dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.email).toBe(user.email);
    }
  });

  it("records activity at most once a minute per session, not on every request", async () => {
    const user = await enrolledUser(gw);
    const writes: string[] = [];
    const store = gw.store;
    const original = store.set.bind(store);
    store.set = async (key, value, ttl) => {
      if (key.startsWith("active:")) writes.push(key);
      return original(key, value, ttl);
    };
    try {
      clock.advanceSeconds(61);
      for (let i = 0; i < 20; i++) dataOf(await gw.run(MeDocument, {}, { token: user.accessToken }));
      expect(writes).toHaveLength(1);
    } finally {
      store.set = original;
    }
  });
});

describe("password rotation and history", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(withPolicy({ passwordHistorySize: 2 }));
  });
  afterAll(() => gw.close());

  /** Backdates the account's last password change (the gateway's own record) by `days`. */
  const age = async (sub: string, days: number) => gw.store.set(PasswordRotation.key(sub), String(Math.floor(Date.now() / 1000) - days * 86400), 3600);

  it("answers a login with a 90-day-old password with PASSWORD_EXPIRED, after MFA and before tokens", async () => {
    const user = await enrolledUser(gw);
    const sub = await subOf(gw, user.accessToken);
    await age(sub, 91);
    expect(errorOf(await gw.run(MeDocument, {}, { token: user.accessToken })).extensions).toEqual({ code: "FORBIDDEN", reason: "PASSWORD_EXPIRED" });

    const expiredAfterMfa = async () => {
      const login = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login;
      expect(login.challenge?.name).toBe("SOFTWARE_TOKEN_MFA");
      const answer = dataOf(await gw.run(RespondToMfaDocument, { session: login.challenge!.session, code: await freshCode(user.secret) })).respondToMfa;
      expect(answer).toEqual({ tokens: null, challenge: { name: "PASSWORD_EXPIRED", session: expect.any(String) } });
      return answer.challenge!.session;
    };
    const reused = errorOf(await gw.run(CompleteExpiredPasswordDocument, { session: await expiredAfterMfa(), newPassword: PASSWORD, currentPassword: PASSWORD }));
    expect(reused.extensions).toEqual({ code: "PASSWORD_POLICY_VIOLATION", rules: ["differentFromCurrent"] });

    const next = dataOf(await gw.run(CompleteExpiredPasswordDocument, { session: await expiredAfterMfa(), newPassword: "Rotated-Passw0rd-1", currentPassword: PASSWORD })).completeExpiredPassword;
    expect(next.tokens).toBeTruthy();
    expect(await codeOf(gw.run(LoginDocument, { email: user.email, password: PASSWORD }))).toBe("INVALID_CREDENTIALS");
  });

  it("89 days is not yet expired", async () => {
    const user = await enrolledUser(gw);
    await age(await subOf(gw, user.accessToken), 89);
    expect(dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge?.name).toBe("SOFTWARE_TOKEN_MFA");
  });

  it("refuses the last PASSWORD_HISTORY_SIZE passwords on change and on reset", async () => {
    const user = await enrolledUser(gw);
    const as = { token: user.accessToken };
    dataOf(await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: "Second-Passw0rd-2", code: await freshCode(user.secret) }, as));
    // The history is checked after the fresh factor (before it, a stolen token could test passwords).
    expect(errorOf(await gw.run(ChangePasswordDocument, { currentPassword: "Second-Passw0rd-2", newPassword: PASSWORD, code: await freshCode(user.secret) }, as)).extensions).toEqual({ code: "PASSWORD_POLICY_VIOLATION", rules: ["history"] });
    dataOf(await gw.run(ForgotPasswordDocument, { email: user.email }));
    expect(errorOf(await gw.run(ConfirmForgotPasswordDocument, { email: user.email, code: TEST_CODE, newPassword: PASSWORD })).extensions.rules).toEqual(["history"]);
    dataOf(await gw.run(ConfirmForgotPasswordDocument, { email: user.email, code: TEST_CODE, newPassword: "Third-Passw0rd-3" }));
    // With a history of 2, the first password may come back after two newer ones.
    const login = dataOf(await gw.run(LoginDocument, { email: user.email, password: "Third-Passw0rd-3" })).login.challenge!;
    const tokens = dataOf(await gw.run(RespondToMfaDocument, { session: login.session, code: await freshCode(user.secret) })).respondToMfa.tokens!;
    expect(dataOf(await gw.run(ChangePasswordDocument, { currentPassword: "Third-Passw0rd-3", newPassword: PASSWORD, code: await freshCode(user.secret) }, { token: tokens.accessToken })).changePassword).toBe(true);
  });
});

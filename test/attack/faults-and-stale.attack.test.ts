import {
  BeginPasskeyLoginDocument,
  BeginPasskeyRegistrationDocument,
  CompletePasskeyLoginDocument,
  CompletePasskeyRegistrationDocument,
  GenerateRecoveryCodesDocument,
  LoginDocument,
  MeDocument,
  RecoveryCodesLeftDocument,
  RemovePasskeyDocument,
  RespondWithRecoveryCodeDocument,
} from "../generated/graphql";
import { FakeClock } from "../fakes/fake-clock";
import { countingIdp } from "../support/counting-idp";
import { dataOf, errorOf } from "../support/graphql-client";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, loginWithMfa, PASSWORD } from "../support/users";

const origin = "http://localhost:4000";
const clock = new FakeClock();
const notices: string[] = [];
/** Cognito's CUSTOM_AUTH (the one the gateway uses after a passkey or a recovery code) can be made to time out. */
const fault = { customAuthDown: false };
let gw: TestGateway;
beforeAll(async () => {
  const { idp } = countingIdp();
  idp.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { AuthFlow?: string };
      if (fault.customAuthDown && context.commandName === "InitiateAuthCommand" && input.AuthFlow === "CUSTOM_AUTH") throw Object.assign(new Error("socket timed out"), { name: "TimeoutError" });
      return next(args);
    },
    { step: "initialize" },
  );
  // SESSION_MAX_AGE_SECONDS at its shipped default (30 days).
  gw = await startTestGateway({ clock, idp, settings: { sessionMaxAgeSeconds: 30 * 24 * 3600 }, notifier: { recoveryCodeUsed: ({ email }) => void notices.push(email), passkeyAdded: () => undefined, passwordChanged: () => undefined, accountChanged: () => undefined, emailChanged: () => undefined, settled: async () => undefined } });
});
afterAll(() => gw.close());

const withPasskey = async () => {
  const user = await enrolledUser(gw);
  const key = new SoftAuthenticator({ origin });
  const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).beginPasskeyRegistration;
  dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: key.register(options), nickname: "Phone" }, { token: user.accessToken }));
  return { ...user, key };
};

describe("ATTACK: dependency failures and stale sessions", () => {
  it("Cognito down during respondWithRecoveryCode: 503, and nothing happened (code still usable, sessions kept, no 'code used' mail)", async () => {
    const user = await enrolledUser(gw);
    const codes = dataOf(await gw.run(GenerateRecoveryCodesDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).generateRecoveryCodes;
    const session = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge!.session;
    fault.customAuthDown = true;
    let answer;
    try {
      answer = await gw.run(RespondWithRecoveryCodeDocument, { session, code: codes[0]! });
    } finally {
      fault.customAuthDown = false;
    }
    const sessionStillLive = (await gw.run(MeDocument, {}, { token: user.accessToken })).data?.me !== undefined;
    const other = (await loginWithMfa(gw, user)).tokens!;
    const left = dataOf(await gw.run(RecoveryCodesLeftDocument, {}, { token: other.accessToken })).recoveryCodesLeft;
    expect({ status: answer.status, code: errorOf(answer).extensions.code, left, sessionStillLive, mailed: notices.includes(user.email) }).toEqual({ status: 503, code: "SERVICE_UNAVAILABLE", left: 10, sessionStillLive: true, mailed: false });
  });

  it("Cognito down during a passkey sign-in: 503 SERVICE_UNAVAILABLE", async () => {
    const user = await withPasskey();
    const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
    fault.customAuthDown = true;
    try {
      const r = await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: user.key.assert(begun.options) });
      expect({ status: r.status, code: errorOf(r).extensions.code }).toEqual({ status: 503, code: "SERVICE_UNAVAILABLE" });
    } finally {
      fault.customAuthDown = false;
    }
  });

  it("a stale session (no second factor for 6 minutes) cannot remove a passkey and sign every other session out", async () => {
    // Removal ends every other session: without a fresh factor in the request, a stolen access token could strip
    // the owner's passkeys and sign the owner out everywhere while keeping its own session.
    const user = await withPasskey();
    const owner = (await loginWithMfa(gw, user)).tokens!;
    const r = await gw.run(RemovePasskeyDocument, { id: user.key.id }, { token: user.accessToken });
    const ownerStillIn = (await gw.run(MeDocument, {}, { token: owner.accessToken })).data?.me !== undefined;
    expect({ removed: r.data?.removePasskey ?? null, reason: r.errors?.[0]?.extensions.reason, ownerStillIn }).toEqual({ removed: null, reason: "STEP_UP_REQUIRED", ownerStillIn: true });
  });

  it("passkey alone with an expired password: PASSWORD_EXPIRED, never tokens", async () => {
    const user = await withPasskey();
    try {
      clock.advanceSeconds(80 * 24 * 3600);
      dataOf(await gw.run(MeDocument, {}, { token: (await loginWithMfa(gw, user)).tokens!.accessToken }));
      clock.advanceSeconds(11 * 24 * 3600);
      const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
      const r = dataOf(await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: user.key.assert(begun.options) })).completePasskeyLogin;
      expect(r.tokens).toBeNull();
      expect(r.challenge?.name).toBe("PASSWORD_EXPIRED");
    } finally {
      clock.advanceSeconds(-91 * 24 * 3600);
    }
  });

  it("a user who signs in only with a passkey can still do so after 31 days without signing in", async () => {
    // The passkey's owner is looked up through `account:<sub>`, which lives SESSION_MAX_AGE_SECONDS (30 days) after
    // the last login; once it is gone the passkey is refused as UNKNOWN_CREDENTIAL (audited), answered INVALID_CREDENTIALS.
    const user = await withPasskey();
    clock.advanceSeconds(31 * 24 * 3600);
    try {
      const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
      const r = await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: user.key.assert(begun.options) });
      const reason = gw.audit.records.filter((x) => x.event === "PASSKEY_REFUSED").at(-1)?.reason;
      expect({ errors: r.errors?.map((e) => e.extensions.code), reason, tokens: Boolean(r.data?.completePasskeyLogin?.tokens) }).toEqual({ errors: undefined, reason: undefined, tokens: true });
    } finally {
      clock.advanceSeconds(-31 * 24 * 3600);
    }
  });
});

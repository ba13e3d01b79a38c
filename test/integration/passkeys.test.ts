import {
  AdminPasskeysDocument,
  AdminResetMfaDocument,
  AdminRemovePasskeyDocument,
  BeginPasskeyLoginDocument,
  BeginPasskeyMfaDocument,
  BeginPasskeyRegistrationDocument,
  CompletePasskeyLoginDocument,
  CompletePasskeyRegistrationDocument,
  LoginDocument,
  MeDocument,
  PasskeysDocument,
  RemovePasskeyDocument,
  RenamePasskeyDocument,
  RespondWithPasskeyDocument,
} from "../generated/graphql";
import { createAuthClient } from "@hipaa-auth-gateway/client";
import { FakeClock } from "../fakes/fake-clock";
import { dataOf, errorOf } from "../support/graphql-client";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { adminStepUp, adminUser, enrolledUser, freshCode, PASSWORD, type EnrolledUser } from "../support/users";

const origin = "http://localhost:4000";
let gw: TestGateway;
const clock = new FakeClock();
beforeAll(async () => {
  gw = await startTestGateway({ clock });
});
afterAll(() => gw.close());

/** An enrolled (TOTP) user who just signed in, with a registered passkey. */
const withPasskey = async (authenticator = new SoftAuthenticator({ origin })): Promise<EnrolledUser & { authenticator: SoftAuthenticator; sub: string }> => {
  const user = await enrolledUser(gw);
  const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).beginPasskeyRegistration;
  const added = dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: authenticator.register(options), nickname: "Laptop" }, { token: user.accessToken })).completePasskeyRegistration;
  expect(added).toMatchObject({ id: authenticator.id, nickname: "Laptop", deviceType: "singleDevice" });
  const sub = dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
  return { ...user, authenticator, sub };
};

const passkeyLogin = async (authenticator: SoftAuthenticator, email?: string, overrides: { counter?: number } = {}) => {
  const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, { email })).beginPasskeyLogin;
  return gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: authenticator.assert(begun.options, overrides) });
};

const refusals = (reason: string) => gw.audit.records.filter((r) => r.event === "PASSKEY_REFUSED" && r.reason === reason);

describe("passkeys over HTTP", () => {
  it("enrol, list, rename; sign in with the passkey alone (discoverable, user verified)", async () => {
    const user = await withPasskey();
    const listed = dataOf(await gw.run(PasskeysDocument, {}, { token: user.accessToken })).passkeys;
    expect(listed).toEqual([expect.objectContaining({ id: user.authenticator.id, nickname: "Laptop", lastUsedAt: null, lastUseTime: null, backedUp: false })]);
    expect(listed[0]?.createTime).toBe(new Date(listed[0]!.createdAt).toISOString());
    // A rename needs a fresh factor like every change of a sign-in method.
    expect(errorOf(await gw.run(RenamePasskeyDocument, { id: user.authenticator.id, nickname: "Work laptop" }, { token: user.accessToken })).extensions).toMatchObject({ code: "FORBIDDEN", reason: "STEP_UP_REQUIRED" });
    const renamed = dataOf(await gw.run(RenamePasskeyDocument, { id: user.authenticator.id, nickname: "Work laptop", code: await freshCode(user.secret) }, { token: user.accessToken })).renamePasskey;
    expect(renamed.nickname).toBe("Work laptop");

    const signedIn = dataOf(await passkeyLogin(user.authenticator)).completePasskeyLogin;
    expect(signedIn.challenge).toBeNull();
    const me = dataOf(await gw.run(MeDocument, {}, { token: signedIn.tokens!.accessToken })).me;
    expect(me.email).toBe(user.email);
    const used = dataOf(await gw.run(PasskeysDocument, {}, { token: signedIn.tokens!.accessToken })).passkeys[0];
    expect(used?.lastUsedAt).not.toBeNull();
    expect(used?.lastUseTime).toBe(new Date(used!.lastUsedAt!).toISOString());
    expect(gw.audit.records.filter((r) => r.event === "PASSKEY_LOGIN" && r.subject === user.sub).map((r) => r.outcome)).toEqual(["SUCCESS"]);
    expect(gw.audit.records.some((r) => r.event === "PASSKEY_REGISTER" && r.outcome === "INTENT")).toBe(true);
  });

  it("after a password, offers WEBAUTHN beside SOFTWARE_TOKEN_MFA and accepts the passkey as the second factor", async () => {
    const user = await withPasskey(new SoftAuthenticator({ origin, userVerified: false }));
    const login = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login;
    expect(login.challenge).toMatchObject({ name: "SOFTWARE_TOKEN_MFA" });
    const mfa = dataOf(await gw.run(BeginPasskeyMfaDocument, { session: login.challenge!.session })).beginPasskeyMfa;
    expect(JSON.parse(mfa.options).allowCredentials).toEqual([expect.objectContaining({ id: user.authenticator.id })]);
    const done = dataOf(await gw.run(RespondWithPasskeyDocument, { session: mfa.session, response: user.authenticator.assert(mfa.options) })).respondWithPasskey;
    expect(done.tokens?.accessToken).toBeTruthy();
    // Without user verification the passkey is possession only: it cannot sign in alone.
    expect(errorOf(await passkeyLogin(user.authenticator)).extensions.code).toBe("INVALID_CREDENTIALS");
    expect(refusals("USER_NOT_VERIFIED").some((r) => r.subject === user.sub)).toBe(true);
  });

  it("lists WEBAUTHN as an alternative only for users with a passkey", async () => {
    const without = await enrolledUser(gw);
    const plain = await gw.run(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { challenge { name alternatives } } }`, { e: without.email, p: PASSWORD });
    expect(plain.data).toEqual({ login: { challenge: { name: "SOFTWARE_TOKEN_MFA", alternatives: [] } } });
    const user = await withPasskey();
    const offered = await gw.run(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { challenge { name alternatives } } }`, { e: user.email, p: PASSWORD });
    expect(offered.data).toEqual({ login: { challenge: { name: "SOFTWARE_TOKEN_MFA", alternatives: ["WEBAUTHN"] } } });
  });

  it("through @hipaa-auth-gateway/client: beginPasskeyLogin signs in and stores the tokens; usePasskey answers the TOTP step", async () => {
    const user = await withPasskey();
    const auth = createAuthClient({ url: gw.url });
    const alone = await auth.beginPasskeyLogin();
    expect(alone.name).toBe("WEBAUTHN");
    const done = await alone.submitPasskey(user.authenticator.assert(alone.options));
    expect(done.isSignedIn).toBe(true);
    expect((await auth.request<{ me: { email: string } }>("query { me { email } }")).me.email).toBe(user.email);
    await auth.logout();

    const first = await auth.signIn(user.email, PASSWORD);
    if (first.isSignedIn || first.nextStep.name !== "SOFTWARE_TOKEN_MFA") throw new Error("expected SOFTWARE_TOKEN_MFA");
    expect(first.nextStep.alternatives).toEqual(["WEBAUTHN"]);
    const passkeyStep = await first.nextStep.usePasskey();
    expect((await passkeyStep.submitPasskey(user.authenticator.assert(passkeyStep.options))).isSignedIn).toBe(true);
    expect(await auth.getAccessToken()).toBeTruthy();
  });

  it("refuses an assertion for another origin or another RP id, and audits why", async () => {
    const user = await withPasskey();
    const phished = Object.assign(Object.create(Object.getPrototypeOf(user.authenticator) as object) as SoftAuthenticator, user.authenticator, { settings: { origin: "https://evil.example" } });
    expect(errorOf(await passkeyLogin(phished)).extensions.code).toBe("INVALID_CREDENTIALS");
    const otherRp = Object.assign(Object.create(Object.getPrototypeOf(user.authenticator) as object) as SoftAuthenticator, user.authenticator, { settings: { origin, rpId: "evil.example" } });
    expect(errorOf(await passkeyLogin(otherRp)).extensions.code).toBe("INVALID_CREDENTIALS");
    expect(refusals("VERIFY_FAILED").filter((r) => r.subject === user.sub)).toHaveLength(2);
    // Registration for another origin is refused too.
    const fresh = await enrolledUser(gw);
    const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(fresh.secret) }, { token: fresh.accessToken })).beginPasskeyRegistration;
    const evil = new SoftAuthenticator({ origin: "https://evil.example" });
    expect(errorOf(await gw.run(CompletePasskeyRegistrationDocument, { response: evil.register(options), nickname: "x" }, { token: fresh.accessToken })).extensions.code).toBe("BAD_USER_INPUT");
  });

  it("refuses a replayed challenge: a used handle, and an old answer on a new handle", async () => {
    const user = await withPasskey();
    const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
    const answer = user.authenticator.assert(begun.options);
    expect(dataOf(await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: answer })).completePasskeyLogin.tokens).toBeTruthy();
    expect(errorOf(await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: answer })).extensions.code).toBe("SESSION_EXPIRED");
    const again = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
    expect(errorOf(await gw.run(CompletePasskeyLoginDocument, { session: again.session, response: answer })).extensions.code).toBe("INVALID_CREDENTIALS");
    expect(gw.audit.records.filter((r) => r.event === "PASSKEY_LOGIN" && r.outcome === "FAILURE").length).toBeGreaterThanOrEqual(2);
  });

  it("refuses a cloned authenticator (counter going backwards)", async () => {
    const user = await withPasskey();
    expect(dataOf(await passkeyLogin(user.authenticator, undefined, { counter: 10 })).completePasskeyLogin.tokens).toBeTruthy();
    expect(errorOf(await passkeyLogin(user.authenticator, undefined, { counter: 5 })).extensions.code).toBe("INVALID_CREDENTIALS");
    expect(refusals("CLONED_AUTHENTICATOR").map((r) => r.subject)).toContain(user.sub);
  });

  it("refuses another user's passkey, as second factor and with an email", async () => {
    const alice = await withPasskey();
    const bob = await withPasskey();
    const login = dataOf(await gw.run(LoginDocument, { email: bob.email, password: PASSWORD })).login;
    const mfa = dataOf(await gw.run(BeginPasskeyMfaDocument, { session: login.challenge!.session })).beginPasskeyMfa;
    expect(errorOf(await gw.run(RespondWithPasskeyDocument, { session: mfa.session, response: alice.authenticator.assert(mfa.options) })).extensions.code).toBe("INVALID_CREDENTIALS");
    expect(errorOf(await passkeyLogin(alice.authenticator, bob.email)).extensions.code).toBe("INVALID_CREDENTIALS");
    expect(refusals("OTHER_ACCOUNT").filter((r) => r.subject === bob.sub || r.subject === alice.sub)).toHaveLength(2);
  });

  it("answers beginPasskeyLogin the same way for a known and an unknown email", async () => {
    const user = await withPasskey();
    const known = dataOf(await gw.run(BeginPasskeyLoginDocument, { email: user.email })).beginPasskeyLogin;
    const unknown = dataOf(await gw.run(BeginPasskeyLoginDocument, { email: "nobody-here@example.test" })).beginPasskeyLogin;
    const shape = (o: string) => Object.keys(JSON.parse(o) as object).sort();
    expect(shape(known.options)).toEqual(shape(unknown.options));
    expect(JSON.parse(known.options).allowCredentials).toEqual(JSON.parse(unknown.options).allowCredentials);
  });

  it("counts refused assertions in the account lockout", async () => {
    const user = await withPasskey();
    expect(dataOf(await passkeyLogin(user.authenticator, undefined, { counter: 10 })).completePasskeyLogin.tokens).toBeTruthy();
    for (let i = 0; i < 5; i++) expect(errorOf(await passkeyLogin(user.authenticator, undefined, { counter: 1 })).extensions.code).toBe("INVALID_CREDENTIALS");
    expect(errorOf(await passkeyLogin(user.authenticator)).extensions.code).toBe("ACCOUNT_LOCKED");
  });

  it("refuses enrolment without a fresh second factor in the request (step-up), even right after login, and audits it", async () => {
    const user = await enrolledUser(gw);
    const refused = errorOf(await gw.run(BeginPasskeyRegistrationDocument, {}, { token: user.accessToken }));
    expect(refused.extensions).toMatchObject({ code: "FORBIDDEN", reason: "STEP_UP_REQUIRED" });
    expect(gw.audit.records.some((r) => r.event === "PASSKEY_REGISTER_BEGIN" && r.outcome === "FAILURE" && r.reason === "FORBIDDEN")).toBe(true);
    expect(dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).beginPasskeyRegistration).toContain("challenge");
  });

  it("removes a passkey (ending the other sessions) and lets admins list and revoke", async () => {
    const user = await withPasskey();
    const other = dataOf(await passkeyLogin(user.authenticator)).completePasskeyLogin.tokens!;
    expect(dataOf(await gw.run(RemovePasskeyDocument, { id: user.authenticator.id, code: await freshCode(user.secret) }, { token: user.accessToken })).removePasskey).toBe(true);
    expect(errorOf(await gw.run(MeDocument, {}, { token: other.accessToken })).extensions.code).toBe("UNAUTHENTICATED");
    expect(errorOf(await passkeyLogin(user.authenticator)).extensions.code).toBe("INVALID_CREDENTIALS");
    expect(refusals("UNKNOWN_CREDENTIAL").length).toBeGreaterThan(0);

    const admin = await adminUser(gw);
    const victim = await withPasskey();
    const listed = dataOf(await gw.run(AdminPasskeysDocument, { userId: victim.sub }, { token: admin.accessToken })).adminPasskeys;
    expect(listed.map((p) => p.id)).toEqual([victim.authenticator.id]);
    expect(errorOf(await gw.run(AdminPasskeysDocument, { userId: victim.sub }, { token: victim.accessToken })).extensions.code).toBe("FORBIDDEN");
    expect(dataOf(await gw.run(AdminRemovePasskeyDocument, { userId: victim.sub, id: victim.authenticator.id }, { token: admin.accessToken })).adminRemovePasskey).toBe(true);
    expect(errorOf(await gw.run(MeDocument, {}, { token: victim.accessToken })).extensions.code).toBe("UNAUTHENTICATED");
    expect(gw.audit.records.filter((r) => r.event === "ADMIN_REMOVE_PASSKEY" && r.outcome === "SUCCESS" && r.actor === admin.sub)).toHaveLength(1);
  });

  it("an administrator's MFA reset takes the passkeys too: none signs in afterwards", async () => {
    const admin = await adminUser(gw);
    const user = await withPasskey();
    expect(dataOf(await gw.run(AdminResetMfaDocument, { userId: user.sub, ...(await adminStepUp(admin)) }, { token: admin.accessToken })).adminResetMfa).toBe(true);
    expect(errorOf(await passkeyLogin(user.authenticator)).extensions.code).toBe("INVALID_CREDENTIALS");
    expect(dataOf(await gw.run(AdminPasskeysDocument, { userId: user.sub }, { token: admin.accessToken })).adminPasskeys).toEqual([]);
    const reset = gw.audit.records.find((r) => r.event === "ADMIN_RESET_MFA" && r.outcome === "SUCCESS" && r.subject === user.sub);
    expect(reset?.reason).toContain("PASSKEYS_REVOKED:1");
  });
});

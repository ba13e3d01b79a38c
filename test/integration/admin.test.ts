import {
  AdminAddUserToGroupDocument,
  AdminCreateUserDocument,
  AdminDisableUserDocument,
  AdminEnableUserDocument,
  AdminGlobalSignOutDocument,
  AdminRemoveUserFromGroupDocument,
  AdminResetMfaDocument,
  BeginMfaSetupDocument,
  CompleteMfaSetupDocument,
  CompleteNewPasswordDocument,
  LoginDocument,
  MeDocument,
  RefreshTokensDocument,
  RespondToMfaDocument,
  UsersDocument,
} from "../generated/graphql";
import { TEST_CODE } from "../setup/test-cognito";
import { dataOf, errorOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { adminStepUp, adminUser, enrolledUser, PASSWORD, freshCode, uniqueEmail, type EnrolledUser } from "../support/users";

let gw: TestGateway;
let admin: EnrolledUser & { sub: string };
beforeAll(async () => {
  gw = await startTestGateway();
  admin = await adminUser(gw);
});
afterAll(() => gw.close());

const asAdmin = () => ({ token: admin.accessToken });
const subOf = async (user: EnrolledUser) => dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;

describe("admin operations are for group admin only", () => {
  const someone = "00000000-0000-4000-8000-000000000000";
  const operations: [string, string][] = [
    ["adminCreateUser", `mutation { adminCreateUser(input: { email: "x@example.test" }) { id } }`],
    ["adminDisableUser", `mutation { adminDisableUser(userId: "${someone}") }`],
    ["adminEnableUser", `mutation { adminEnableUser(userId: "${someone}") }`],
    ["adminAddUserToGroup", `mutation { adminAddUserToGroup(userId: "${someone}", group: ADMIN) }`],
    ["adminRemoveUserFromGroup", `mutation { adminRemoveUserFromGroup(userId: "${someone}", group: ADMIN) }`],
    ["adminGlobalSignOut", `mutation { adminGlobalSignOut(userId: "${someone}") }`],
    ["adminResetMfa", `mutation { adminResetMfa(userId: "${someone}") }`],
    ["users", `{ users { nodes { id } } }`],
    ["auditEvents", `{ auditEvents { nodes { id } } }`],
    ["adminPasskeys", `{ adminPasskeys(userId: "${someone}") { id } }`],
    ["adminRemovePasskey", `mutation { adminRemovePasskey(userId: "${someone}", id: "abc") }`],
  ];

  it.each(operations)("%s: FORBIDDEN for a signed-in non-admin, UNAUTHENTICATED for anonymous", async (field, document) => {
    const user = await enrolledUser(gw);
    const asUser = await gw.run(document, undefined, { token: user.accessToken });
    expect(errorOf(asUser).extensions.code).toBe("FORBIDDEN");
    expect(errorOf(await gw.run(document)).extensions.code).toBe("UNAUTHENTICATED");
    expect(gw.audit.records.some((r) => r.event === "PERMISSION_DENIED" && r.target?.endsWith(`.${field}`) && r.subject !== undefined)).toBe(true);
  });
});

describe("administration", () => {
  it("invites a user, who sets a password at first login and then enrols MFA", async () => {
    const email = uniqueEmail();
    const created = dataOf(await gw.run(AdminCreateUserDocument, { input: { email, givenName: "Invited" } }, asAdmin())).adminCreateUser;
    expect(created).toMatchObject({ email, emailVerified: true, givenName: "Invited", enabled: true, status: "FORCE_CHANGE_PASSWORD" });
    expect(errorOf(await gw.run(AdminCreateUserDocument, { input: { email } }, asAdmin())).extensions.code).toBe("ALREADY_EXISTS");

    // cognito-local sets the temporary password to its CODE (the invitation email in real Cognito).
    const login = dataOf(await gw.run(LoginDocument, { email, password: TEST_CODE })).login.challenge!;
    expect(login.name).toBe("NEW_PASSWORD_REQUIRED");
    expect(errorOf(await gw.run(CompleteNewPasswordDocument, { session: login.session, newPassword: "weak" })).extensions.code).toBe("PASSWORD_POLICY_VIOLATION");
    const again = dataOf(await gw.run(LoginDocument, { email, password: TEST_CODE })).login.challenge!;
    const next = dataOf(await gw.run(CompleteNewPasswordDocument, { session: again.session, newPassword: PASSWORD })).completeNewPassword;
    expect(next).toEqual({ tokens: null, challenge: { name: "MFA_SETUP", session: expect.any(String) } });
    const setup = dataOf(await gw.run(BeginMfaSetupDocument, { session: next.challenge!.session })).beginMfaSetup;
    const tokens = dataOf(await gw.run(CompleteMfaSetupDocument, { session: setup.session, code: await freshCode(setup.secret) })).completeMfaSetup.tokens!;
    expect(dataOf(await gw.run(MeDocument, {}, { token: tokens.accessToken })).me).toMatchObject({ email, givenName: "Invited" });
    expect(gw.audit.records.find((r) => r.event === "ADMIN_CREATE_USER" && r.outcome === "SUCCESS")).toMatchObject({ actor: admin.sub, subject: created.id });
  });

  it("disables a user at once (live token and login) and enables them again", async () => {
    const user = await enrolledUser(gw);
    const sub = await subOf(user);
    expect(dataOf(await gw.run(AdminDisableUserDocument, { userId: sub }, asAdmin())).adminDisableUser).toBe(true);
    expect(errorOf(await gw.run(MeDocument, {}, { token: user.accessToken })).extensions.reason).toBe("TOKEN_REVOKED");
    // Refused at the password step, like a wrong password (as Cognito answers a disabled user): no MFA challenge.
    expect(errorOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).extensions.code).toBe("INVALID_CREDENTIALS");

    dataOf(await gw.run(AdminEnableUserDocument, { userId: sub, ...(await adminStepUp(admin)) }, asAdmin()));
    const relogin = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge!;
    expect(dataOf(await gw.run(RespondToMfaDocument, { session: relogin.session, code: await freshCode(user.secret) })).respondToMfa.tokens).toBeTruthy();
  });

  it("refuses to let an administrator disable themselves", async () => {
    expect(errorOf(await gw.run(AdminDisableUserDocument, { userId: admin.sub }, asAdmin())).extensions.code).toBe("BAD_USER_INPUT");
  });

  it("adds a group (seen after refresh) and removes it (sessions end at once)", async () => {
    const user = await enrolledUser(gw);
    const sub = await subOf(user);
    dataOf(await gw.run(AdminAddUserToGroupDocument, { userId: sub, group: "PROVIDER", ...(await adminStepUp(admin)) }, asAdmin()));
    const refreshed = dataOf(await gw.run(RefreshTokensDocument, { refreshToken: user.refreshToken })).refreshTokens.tokens!;
    expect(dataOf(await gw.run(MeDocument, {}, { token: refreshed.accessToken })).me.groups).toEqual(["provider"]);

    dataOf(await gw.run(AdminRemoveUserFromGroupDocument, { userId: sub, group: "PROVIDER" }, asAdmin()));
    expect(errorOf(await gw.run(MeDocument, {}, { token: refreshed.accessToken })).extensions.reason).toBe("TOKEN_REVOKED");
  });

  it("signs a user out everywhere, and says NOT_FOUND for an unknown user", async () => {
    const user = await enrolledUser(gw);
    dataOf(await gw.run(AdminGlobalSignOutDocument, { userId: await subOf(user) }, asAdmin()));
    expect(errorOf(await gw.run(MeDocument, {}, { token: user.accessToken })).extensions.reason).toBe("TOKEN_REVOKED");
    expect(errorOf(await gw.run(AdminGlobalSignOutDocument, { userId: "00000000-0000-4000-8000-000000000000" }, asAdmin())).extensions.code).toBe("NOT_FOUND");
  });

  it("resets a user's MFA: their sessions end (clearing the device itself needs real Cognito)", async () => {
    const user = await enrolledUser(gw);
    dataOf(await gw.run(AdminResetMfaDocument, { userId: await subOf(user), ...(await adminStepUp(admin)) }, asAdmin()));
    expect(errorOf(await gw.run(MeDocument, {}, { token: user.accessToken })).extensions.reason).toBe("TOKEN_REVOKED");
  });

  it("lists users by email prefix", async () => {
    const user = await enrolledUser(gw);
    const page = dataOf(await gw.run(UsersDocument, { filter: { emailPrefix: user.email.slice(0, 20) }, first: 10 }, asAdmin())).users;
    expect(page.nodes).toEqual([{ id: await subOf(user), email: user.email, enabled: true, status: "CONFIRMED" }]);
    expect(gw.audit.records.some((r) => r.event === "ADMIN_LIST_USERS" && r.actor === admin.sub)).toBe(true);
  });

  it("validates admin arguments before calling Cognito", async () => {
    const error = errorOf(await gw.run(UsersDocument, { filter: { emailPrefix: 'x" or 1=1' }, first: 500 }, asAdmin()));
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(JSON.stringify(error)).not.toContain("1=1");
  });
});

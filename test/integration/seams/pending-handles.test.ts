import {
  AdminDisableUserDocument,
  AdminEnableUserDocument,
  AdminGlobalSignOutDocument,
  AdminRemoveUserFromGroupDocument,
  AdminResetMfaDocument,
  BeginMfaSetupDocument,
  ChangePasswordDocument,
  CompleteMfaSetupDocument,
  LoginDocument,
  LogoutEverywhereDocument,
  MeDocument,
  ResetMfaDocument,
  RespondToMfaDocument,
  UsersDocument,
} from "../../generated/graphql";
import { dataOf, errorOf } from "../../support/graphql-client";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { adminStepUp, adminUser, enrolledUser, freshCode, grantGroup, PASSWORD, registerConfirmed, type EnrolledUser } from "../../support/users";

/**
 * Rows A and C of the security-invariants issue: a challenge handle started before a security change
 * (sign-out, disable, group change, password change, MFA reset) must not turn into a session after it.
 */
describe("pending handles and the security epoch", () => {
  let gw: TestGateway;
  let admin: EnrolledUser & { sub: string };
  beforeAll(async () => {
    gw = await startTestGateway();
    admin = await adminUser(gw);
  });
  afterAll(() => gw.close());

  const asAdmin = () => ({ token: admin.accessToken });
  const subOf = async (token: string) => dataOf(await gw.run(MeDocument, {}, { token })).me.sub;
  const pendingMfa = async (user: Pick<EnrolledUser, "email">) => dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge!.session;

  it("A: an admin demoted during resetMfa gets no admin session from completeMfaSetup", async () => {
    const victim = await adminUser(gw);
    const setup = dataOf(await gw.run(ResetMfaDocument, { currentPassword: PASSWORD, code: await freshCode(victim.secret) }, { token: victim.accessToken })).resetMfa;
    dataOf(await gw.run(AdminRemoveUserFromGroupDocument, { userId: victim.sub, group: "ADMIN" }, asAdmin()));
    const done = errorOf(await gw.run(CompleteMfaSetupDocument, { session: setup.session, code: await freshCode(setup.secret) }));
    expect(done.extensions.code).toBe("SESSION_EXPIRED");
    // And nothing the demoted user still holds reaches an admin field.
    expect(errorOf(await gw.run(UsersDocument, {}, { token: victim.accessToken })).extensions.code).toBe("UNAUTHENTICATED");
  });

  const actions: [string, (user: EnrolledUser & { sub: string }) => Promise<void>][] = [
    ["adminGlobalSignOut", async (u) => void dataOf(await gw.run(AdminGlobalSignOutDocument, { userId: u.sub }, asAdmin()))],
    [
      "adminDisableUser (then enable again)",
      async (u) => {
        dataOf(await gw.run(AdminDisableUserDocument, { userId: u.sub }, asAdmin()));
        dataOf(await gw.run(AdminEnableUserDocument, { userId: u.sub, ...(await adminStepUp(admin)) }, asAdmin()));
      },
    ],
    ["adminRemoveUserFromGroup", async (u) => void dataOf(await gw.run(AdminRemoveUserFromGroupDocument, { userId: u.sub, group: "PROVIDER" }, asAdmin()))],
    ["adminResetMfa", async (u) => void dataOf(await gw.run(AdminResetMfaDocument, { userId: u.sub, ...(await adminStepUp(admin)) }, asAdmin()))],
    ["changePassword in another session", async (u) => void dataOf(await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: "Another-Str0ng-Passphrase", code: await freshCode(u.secret) }, { token: u.accessToken }))],
    ["logoutEverywhere", async (u) => void dataOf(await gw.run(LogoutEverywhereDocument, {}, { token: u.accessToken }))],
  ];

  it.each(actions)("C: a SOFTWARE_TOKEN_MFA handle begun before %s is SESSION_EXPIRED after it", async (_name, act) => {
    const user = await enrolledUser(gw);
    const sub = await subOf(user.accessToken);
    await grantGroup(sub, "provider");
    const session = await pendingMfa(user);
    await act({ ...user, sub });
    const answer = errorOf(await gw.run(RespondToMfaDocument, { session, code: await freshCode(user.secret) }));
    expect(answer.extensions.code).toBe("SESSION_EXPIRED");
  });

  it("C: an MFA_SETUP handle begun before adminGlobalSignOut is SESSION_EXPIRED after it", async () => {
    const email = await registerConfirmed(gw);
    const login = dataOf(await gw.run(LoginDocument, { email, password: PASSWORD })).login.challenge!;
    expect(login.name).toBe("MFA_SETUP");
    const setup = dataOf(await gw.run(BeginMfaSetupDocument, { session: login.session })).beginMfaSetup;
    const found = await gw.run(UsersDocument, { filter: { emailPrefix: email } }, asAdmin());
    const userId = dataOf(found).users.nodes[0]!.id;
    dataOf(await gw.run(AdminGlobalSignOutDocument, { userId }, asAdmin()));
    expect(errorOf(await gw.run(CompleteMfaSetupDocument, { session: setup.session, code: await freshCode(setup.secret) })).extensions.code).toBe("SESSION_EXPIRED");
  });

  it("a login that begins after the change is not affected", async () => {
    const user = await enrolledUser(gw);
    const sub = await subOf(user.accessToken);
    dataOf(await gw.run(AdminGlobalSignOutDocument, { userId: sub }, asAdmin()));
    const session = await pendingMfa(user);
    expect(dataOf(await gw.run(RespondToMfaDocument, { session, code: await freshCode(user.secret) })).respondToMfa.tokens).not.toBeNull();
  });
});

import {
  AdminAddUserToGroupDocument,
  AdminDisableUserDocument,
  AdminEnableUserDocument,
  AdminGlobalSignOutDocument,
  AdminRemoveUserFromGroupDocument,
  AdminResetMfaDocument,
  AdminUnlockUserDocument,
  MeDocument,
} from "../generated/graphql";
import { dataOf, errorOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { adminStepUp, adminUser, enrolledUser, loginWithMfa, totp, type EnrolledUser } from "../support/users";

/**
 * A thief holding an administrator's access token (a handle stolen from the admin's browser) must not be able to
 * grant: add an account it controls (or the victim's, whose password it phished) to a group, clear a victim's
 * authenticator so it can enrol its own, enable or unlock an account. Each of these proves the administrator's
 * fresh factor in the same request. Ending access (disable, remove from a group, sign out) never needs one.
 */
let gw: TestGateway;
let admin: EnrolledUser & { sub: string };
beforeAll(async () => {
  gw = await startTestGateway();
  admin = await adminUser(gw);
});
afterAll(() => gw.close());

const asAdmin = () => ({ token: admin.accessToken });
const victim = async () => {
  const user = await enrolledUser(gw);
  return { ...user, sub: dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub };
};
/** The groups a new session of the user carries (a group added shows in the next token). */
const groupsOf = async (user: EnrolledUser) => dataOf(await gw.run(MeDocument, {}, { token: (await loginWithMfa(gw, user)).tokens!.accessToken })).me.groups;

describe("ATTACK: an administrator's stolen token without a fresh factor", () => {
  it("cannot add a group: FORBIDDEN (STEP_UP_REQUIRED) with no code, CODE_MISMATCH with a wrong one, nothing granted", async () => {
    const target = await victim();
    const none = await gw.run(AdminAddUserToGroupDocument, { userId: target.sub, group: "ADMIN" }, asAdmin());
    expect(errorOf(none).extensions).toMatchObject({ code: "FORBIDDEN", reason: "STEP_UP_REQUIRED" });
    const wrong = await gw.run(AdminAddUserToGroupDocument, { userId: target.sub, group: "ADMIN", code: totp(admin.secret, 5) }, asAdmin());
    expect(errorOf(wrong).extensions.code).toBe("CODE_MISMATCH");
    // Nothing was granted at the provider: a new session still carries no group.
    expect(gw.audit.records.filter((r) => r.event === "ADMIN_ADD_TO_GROUP" && r.subject === target.sub).map((r) => r.outcome)).not.toContain("SUCCESS");
    expect(await groupsOf(target)).toEqual([]);
  });

  it("cannot reset a user's MFA: refused without a fresh code, and the user's session lives on", async () => {
    const target = await victim();
    const reset = await gw.run(AdminResetMfaDocument, { userId: target.sub }, asAdmin());
    expect(errorOf(reset).extensions).toMatchObject({ code: "FORBIDDEN", reason: "STEP_UP_REQUIRED" });
    expect(dataOf(await gw.run(MeDocument, {}, { token: target.accessToken })).me.email).toBe(target.email);
  });

  it("cannot enable or unlock an account without a fresh code", async () => {
    const target = await victim();
    dataOf(await gw.run(AdminDisableUserDocument, { userId: target.sub }, asAdmin()));
    expect(errorOf(await gw.run(AdminEnableUserDocument, { userId: target.sub }, asAdmin())).extensions).toMatchObject({ code: "FORBIDDEN", reason: "STEP_UP_REQUIRED" });
    expect(errorOf(await gw.run(AdminUnlockUserDocument, { userId: target.sub }, asAdmin())).extensions).toMatchObject({ code: "FORBIDDEN", reason: "STEP_UP_REQUIRED" });
  });

  it("grants with the administrator's fresh code (the control)", async () => {
    const target = await victim();
    expect(dataOf(await gw.run(AdminAddUserToGroupDocument, { userId: target.sub, group: "PROVIDER", ...(await adminStepUp(admin)) }, asAdmin())).adminAddUserToGroup).toBe(true);
    expect(await groupsOf(target)).toEqual(["provider"]);
    expect(dataOf(await gw.run(AdminResetMfaDocument, { userId: target.sub, ...(await adminStepUp(admin)) }, asAdmin())).adminResetMfa).toBe(true);
  });

  it("ends access without any factor: disable, remove from a group, sign out everywhere", async () => {
    const [a, b, c] = [await victim(), await victim(), await victim()];
    expect(dataOf(await gw.run(AdminDisableUserDocument, { userId: a.sub }, asAdmin())).adminDisableUser).toBe(true);
    expect(dataOf(await gw.run(AdminRemoveUserFromGroupDocument, { userId: b.sub, group: "PROVIDER" }, asAdmin())).adminRemoveUserFromGroup).toBe(true);
    expect(dataOf(await gw.run(AdminGlobalSignOutDocument, { userId: c.sub }, asAdmin())).adminGlobalSignOut).toBe(true);
    for (const user of [a, b, c]) expect(errorOf(await gw.run(MeDocument, {}, { token: user.accessToken })).extensions.code).toBe("UNAUTHENTICATED");
  });
});

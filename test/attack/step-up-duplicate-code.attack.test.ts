import { AdminDisableUserDocument, AdminEnableUserDocument, MeDocument } from "../generated/graphql";
import { dataOf, errorOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { adminUser, enrolledUser, freshCode } from "../support/users";

/**
 * h7 (black box, 2026-12-07): an administrator's grant (adminEnableUser, adminAddUserToGroup, adminResetMfa,
 * adminUnlockUser) takes a fresh TOTP `code`. A client that sends the same right code more than once at the same
 * time (a double-click, a retry on a slow answer, a batch) gets one success, and every copy is counted as a wrong
 * guess by the lockout: ten copies lock the administrator out (ACCOUNT_LOCKED on every session and at login,
 * 15 minutes). docs/account-security.md already decided the opposite for recovery codes ("twenty copies of one
 * right code sent at once lock nobody out"); a TOTP code spent a moment ago by the same account is the same case.
 */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

describe("ATTACK (h7): copies of one right step-up code sent at once", () => {
  // FINDING h7-1 (low, availability, fixed): copies of the admin's own right step-up code counted as wrong guesses and locked the admin out.
  it("grant once and lock nobody out: the administrator is still signed in afterwards", async () => {
    const admin = await adminUser(gw);
    const user = await enrolledUser(gw);
    const sub = dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
    dataOf(await gw.run(AdminDisableUserDocument, { userId: sub }, { token: admin.accessToken }));

    const code = await freshCode(admin.secret);
    const answers = await Promise.all(Array.from({ length: 10 }, () => gw.run(AdminEnableUserDocument, { userId: sub, code }, { token: admin.accessToken })));
    expect(answers.filter((a) => a.data?.adminEnableUser === true)).toHaveLength(1);

    // Observed: {"code":"FORBIDDEN","reason":"ACCOUNT_LOCKED"}; expected: the administrator's session still works.
    const after = await gw.run(MeDocument, {}, { token: admin.accessToken });
    expect(after.errors?.[0]?.extensions).toBeUndefined();
    expect(dataOf(after).me.email).toBe(admin.email);
  });

  it("one copy of a right code used a moment ago is refused, never granted twice (the control)", async () => {
    const admin = await adminUser(gw);
    const user = await enrolledUser(gw);
    const sub = dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
    dataOf(await gw.run(AdminDisableUserDocument, { userId: sub }, { token: admin.accessToken }));
    const code = await freshCode(admin.secret);
    expect(dataOf(await gw.run(AdminEnableUserDocument, { userId: sub, code }, { token: admin.accessToken })).adminEnableUser).toBe(true);
    dataOf(await gw.run(AdminDisableUserDocument, { userId: sub }, { token: admin.accessToken }));
    expect(errorOf(await gw.run(AdminEnableUserDocument, { userId: sub, code }, { token: admin.accessToken })).extensions.code).toBe("CODE_MISMATCH");
  });
});

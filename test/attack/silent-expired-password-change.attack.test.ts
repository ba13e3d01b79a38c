import { CompleteExpiredPasswordDocument, LoginDocument, MeDocument, RespondToMfaDocument } from "../generated/graphql";
import { FakeClock } from "../fakes/fake-clock";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD } from "../support/users";

/**
 * ATTACK: a password set at the login's PASSWORD_EXPIRED step is silent.
 *
 * Severity: low-medium (fourth black box, 2026-12-07). The last round made every password change and reset tell the
 * owner (PASSWORD_CHANGED, docs/account-security.md "A password set is told to the owner"). The third door that sets
 * a password was left out: completeExpiredPassword (required action UPDATE_PASSWORD, PasswordActions.replaceExpired)
 * calls AdminSetUserPassword, records the new password and ends every other session, but sends no notice. Someone
 * holding the owner's phished password and one phished TOTP code, at a login whose password is past its 90 days,
 * chooses the next password: the owner is signed out everywhere, the password they know stops working, and neither
 * their address nor (30 days after an email change) the earlier ones hear a word — the exact silence the
 * silent-password-change finding closed for the other two doors.
 *
 * Should: completeExpiredPassword sends PASSWORD_CHANGED (how CHANGED) to the account's address, and to the earlier
 * addresses of the last 30 days, like changePassword.
 */
const mail = new NoticeCapture();
const clock = new FakeClock();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail, clock, answerFloorMs: 0 });
});
afterAll(() => gw.close());

describe("ATTACK: the password chosen at PASSWORD_EXPIRED", () => {
  it("is told to the owner", async () => {
    const owner = await enrolledUser(gw);
    clock.advanceSeconds(91 * 86400);
    // The attacker: the owner's (phished) password and one (phished) TOTP code.
    const first = dataOf(await gw.run(LoginDocument, { email: owner.email, password: PASSWORD })).login.challenge!;
    const expired = dataOf(await gw.run(RespondToMfaDocument, { session: first.session, code: await freshCode(owner.secret) })).respondToMfa.challenge!;
    expect(expired.name).toBe("PASSWORD_EXPIRED");
    const done = dataOf(await gw.run(CompleteExpiredPasswordDocument, { session: expired.session, currentPassword: PASSWORD, newPassword: "Attackers-Chosen-Passw0rd-77" })).completeExpiredPassword;
    expect(dataOf(await gw.run(MeDocument, {}, { token: done.tokens!.accessToken })).me.email).toBe(owner.email);
    // The owner's own password no longer opens anything, and their session ended.
    expect((await gw.run(LoginDocument, { email: owner.email, password: PASSWORD })).errors?.[0]?.extensions?.["code"]).toBe("INVALID_CREDENTIALS");
    expect((await gw.run(MeDocument, {}, { token: owner.accessToken })).errors?.[0]?.extensions?.["code"]).toBe("UNAUTHENTICATED");

    await mail.settled();
    expect(mail.to(owner.email, "PASSWORD_CHANGED")).toHaveLength(1);
  });
});

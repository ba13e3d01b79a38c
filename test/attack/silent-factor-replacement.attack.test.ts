import { ChangePasswordDocument, CompleteMfaSetupDocument, GenerateRecoveryCodesDocument, LoginDocument, MeDocument, ResetMfaDocument, RespondToMfaDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { everyNoticeRecorder } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD } from "../support/users";

/**
 * ATTACK: the second factor is replaced, or the recovery codes are, and the owner hears nothing.
 *
 * Severity: medium (fourth black box, 2026-12-07). The security notices (docs/account-security.md) cover a passkey
 * added, a recovery code used, a password set, the email changed; for 30 days after an email change they go to every
 * earlier address. The two changes that take the account's second factor away from the owner send none:
 *  - resetMfa (a stolen session, the password, one phished code) enrols the attacker's authenticator: the owner's
 *    authenticator stops working at the next sign-in, every other session ends, and no address is told. The undo of an
 *    email change does not take an authenticator back either ("reported in the audit record"), so the owner's only
 *    chance to react in time is a notice.
 *  - generateRecoveryCodes (a stolen session, one phished code) replaces the owner's set: the attacker holds ten
 *    codes that each sign in in place of the authenticator, the owner's printed codes are void, and nobody is told.
 * Any notice, of any type, to the account's address counts here (the capture records every notifier method).
 *
 * Should: both send the owner a notice (to the account's address and, for 30 days after an email change, to the
 * earlier ones), like PASSKEY_ADDED.
 */
const { notifier: everyNotice, heard } = everyNoticeRecorder();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: everyNotice, answerFloorMs: 0 });
});
afterAll(() => gw.close());

const heardBy = (email: string, since: number) => heard.slice(since).filter((n) => n.email.toLowerCase() === email.toLowerCase()).map((n) => n.type);

describe("ATTACK: the owner's second factor taken over in silence", () => {
  it("(control) the capture hears a password change", async () => {
    const owner = await enrolledUser(gw);
    const before = heard.length;
    dataOf(await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: "Control-Passw0rd-123", code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    expect(heardBy(owner.email, before)).toEqual(["passwordChanged"]);
  });

  it("resetMfa with a stolen session is told to the owner", async () => {
    const owner = await enrolledUser(gw);
    const before = heard.length;
    // The attacker: the stolen session, the (phished) password and one phished code; their own authenticator.
    const setup = dataOf(await gw.run(ResetMfaDocument, { currentPassword: PASSWORD, code: await freshCode(owner.secret) }, { token: owner.accessToken })).resetMfa;
    const done = dataOf(await gw.run(CompleteMfaSetupDocument, { session: setup.session, code: await freshCode(setup.secret) })).completeMfaSetup.tokens!;
    expect(dataOf(await gw.run(MeDocument, {}, { token: done.accessToken })).me.email).toBe(owner.email);
    // The owner's authenticator no longer completes a sign-in.
    const login = dataOf(await gw.run(LoginDocument, { email: owner.email, password: PASSWORD })).login.challenge!;
    expect((await gw.run(RespondToMfaDocument, { session: login.session, code: await freshCode(owner.secret) })).errors?.[0]?.extensions?.["code"]).toBe("CODE_MISMATCH");
    expect(heardBy(owner.email, before)).not.toEqual([]);
  });

  it("generateRecoveryCodes with a stolen session is told to the owner", async () => {
    const owner = await enrolledUser(gw);
    const before = heard.length;
    const codes = dataOf(await gw.run(GenerateRecoveryCodesDocument, { code: await freshCode(owner.secret) }, { token: owner.accessToken })).generateRecoveryCodes;
    expect(codes.length).toBeGreaterThan(0);
    expect(heardBy(owner.email, before)).not.toEqual([]);
  });
});

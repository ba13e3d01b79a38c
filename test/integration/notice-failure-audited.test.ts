import type { AccountChangedNotice } from "../../src/auth/factors/recovery/notifier";
import { CompleteExpiredPasswordDocument, LoginDocument, RespondToMfaDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { FakeClock } from "../fakes/fake-clock";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { thiefMovesEmailAndAddsPasskey } from "../support/takeover";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD } from "../support/users";

/**
 * A security notice that cannot be handed over never fails the login that caused it, and never goes unrecorded:
 * the login's audit record names it (OWNER_NOTICE_FAILED:<code>), so an auditor sees which owners were not told.
 */
class RefusingNotices extends NoticeCapture {
  override passwordChanged(): void {
    throw new Error("mailer down");
  }
  override accountChanged(notice: AccountChangedNotice): void {
    if (notice.change === "AUTHENTICATOR_SET_UP" || notice.change === "EMAIL_CHANGE_UNDONE") throw new Error("mailer down");
    super.accountChanged(notice);
  }
}

const mail = new RefusingNotices();
const clock = new FakeClock();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail, clock, answerFloorMs: 0 });
});
afterAll(() => gw.close());

const reasonOf = (event: string) =>
  gw.audit.records.filter((r) => r.event === event && r.outcome === "SUCCESS").map((r) => r.reason);

it("an authenticator set up at sign-in, the notice refused: the login succeeds, its record says the owner was not told", async () => {
  const owner = await enrolledUser(gw);
  expect(owner.accessToken).toBeTruthy();
  expect(reasonOf("MFA_SETUP_COMPLETE").some((reason) => reason?.includes("OWNER_NOTICE_FAILED"))).toBe(true);
});

it("a password replaced at PASSWORD_EXPIRED, the notice refused: the same", async () => {
  const owner = await enrolledUser(gw);
  clock.advanceSeconds(91 * 86400);
  const first = dataOf(await gw.run(LoginDocument, { email: owner.email, password: PASSWORD })).login.challenge!;
  const expired = dataOf(await gw.run(RespondToMfaDocument, { session: first.session, code: await freshCode(owner.secret) })).respondToMfa.challenge!;
  const done = dataOf(await gw.run(CompleteExpiredPasswordDocument, { session: expired.session, currentPassword: PASSWORD, newPassword: "Another-Str0ng-Passphrase-2" })).completeExpiredPassword;
  expect(done.tokens?.accessToken).toBeTruthy();
  expect(reasonOf("PASSWORD_EXPIRED_CHANGE").some((reason) => reason?.includes("OTHER_SESSIONS_ENDED") && reason.includes("OWNER_NOTICE_FAILED"))).toBe(true);
});

it("an email change undone, the notice to the address it was taken back from refused: the undo holds, its record says so", async () => {
  const owner = await enrolledUser(gw);
  const { undoToken } = await thiefMovesEmailAndAddsPasskey(gw, owner, mail);
  expect(dataOf(await gw.run(UndoEmailChangeDocument, { token: undoToken })).undoEmailChange).toBe(true);
  expect(reasonOf("EMAIL_CHANGE_UNDO").some((reason) => reason?.includes("SESSIONS_ENDED") && reason.includes("OWNER_NOTICE_FAILED"))).toBe(true);
});

import { ConfirmEmailChangeDocument, MeDocument, RequestEmailChangeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { providerEmailOf } from "../support/takeover";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, loginWithMfa, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * ATTACK: the "open change" gate of confirmEmailChange asks whether the account has ANY open undo record, not
 * whether the change being confirmed is one. An older, legitimate change of the owner (its undo token still in
 * its own old mailbox, 7 days) keeps the gate open, and the thief's pending address survives the owner's undo
 * and is confirmed later: no fresh factor, no EMAIL_CHANGED notice, no undo token.
 *
 * Severity: high (attack3, fifth black box, 2026-12-07; a bypass of dcf14f1 "confirmEmailChange confirms only
 * while the account has an open change"). Any owner who moved their address in the last 7 days (a new job, a new
 * provider: the very moment people also re-secure accounts) is exposed.
 *
 * Attack: the owner moves X → A properly (their session, their code; X's undo token stays open for 7 days). The
 * thief (stolen session + one phished code) asks A → C and does not confirm it: the provider keeps C pending,
 * its verification code in C's inbox (the thief's). The owner's undo with A's token retires the A → C record,
 * ends every session, sets the address back to A. The next session of the account (the thief's next stolen handle
 * from the same malware; here the owner's own fresh login) calls confirmEmailChange with C's code:
 * `hasOpenChange(sub)` is true because of X → A's record, so the provider confirms C. The recovery channel is the
 * thief's again and A hears nothing.
 *
 * Should: after the undo, the pending A → C cannot be confirmed (CODE_MISMATCH), the provider's address stays A.
 * A confirm should be allowed only for an open change to the very address pending at the provider (the record's
 * newEmail), not because some other change of the account is still undoable.
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail, answerFloorMs: 0 });
});
afterAll(() => gw.close());

describe("ATTACK: an older legitimate change keeps confirmEmailChange open for the thief's pending address", () => {
  it("the thief's pending address cannot be confirmed after the owner's undo", async () => {
    const owner = await enrolledUser(gw);
    const sub = dataOf(await gw.run(MeDocument, {}, { token: owner.accessToken })).me.sub;

    // The owner, legitimately: X (owner.email) → A. X's undo token stays open for 7 days.
    const ownersA = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: ownersA, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: owner.accessToken }));
    expect(await providerEmailOf(sub)).toBe(ownersA);

    // The thief (stolen session, phished code): A → C, left pending.
    const thiefsC = uniqueEmail();
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: thiefsC, code: await freshCode(owner.secret) }, { token: owner.accessToken }));
    expect(await providerEmailOf(sub)).toBe(ownersA);

    // The owner undoes the thief's change with the token sent to A.
    const ownersToken = mail.to(ownersA, "EMAIL_CHANGED")[0]!.undoToken!;
    expect(dataOf(await gw.run(UndoEmailChangeDocument, { token: ownersToken })).undoEmailChange).toBe(true);
    expect(await providerEmailOf(sub)).toBe(ownersA);
    await mail.settled();
    const noticesToA = mail.to(ownersA).length;

    // The account's next session confirms C's code.
    const next = (await loginWithMfa(gw, { email: ownersA, secret: owner.secret })).tokens!;
    const confirm = await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: next.accessToken });
    await mail.settled();
    const observed = {
      confirmAfterUndo: confirm.errors?.[0]?.extensions?.["code"] ?? "true",
      providerEmail: (await providerEmailOf(sub)) === thiefsC ? "the thief's C" : "the owner's A",
      noticesToAAfterConfirm: mail.to(ownersA).slice(noticesToA).map((n) => n.type),
    };
    console.log(observed);
    expect({ confirmAfterUndo: observed.confirmAfterUndo, providerEmail: observed.providerEmail }).toEqual({ confirmAfterUndo: "CODE_MISMATCH", providerEmail: "the owner's A" });
  });
});

import { ConfirmEmailChangeDocument, MeDocument, RequestEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, registerConfirmed, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * ATTACK (existence prober): "an address another account holds gets the same answer … but nothing moves". Nothing
 * moving is itself the answer: the prober's OWN earlier pending change is left in place by a request to a taken
 * address, and replaced by one to a free address. Whether the earlier code still confirms tells which it was.
 *
 * Severity: medium (attack3, fifth black box, 2026-12-07; HIPAA: whether a given person is a patient of the
 * product; a bypass of the uniform-answer work of email-change-existence / undo-decoy-existence). Needs only an
 * account of one's own (sign up, enrol an authenticator: fresh factors are the prober's own TOTP codes) and a
 * mailbox of one's own, P. 5 probes per account per hour (requestEmailChange's limit), as many accounts as the
 * prober registers; each probe's EMAIL_CHANGED notices go to the prober's own address.
 *
 * Probe for address T: requestEmailChange(P) (the provider sends a code to P, the prober's inbox; P stays pending),
 * then requestEmailChange(T) (same answer either way), then confirmEmailChange(P's code). Against real Cognito
 * (AttributesRequireVerificationBeforeUpdate=email, one pending update per user): T free → the provider replaced
 * the pending P by T, P's code is refused (CODE_MISMATCH); T taken → the gateway did not call the provider, P is
 * still pending, its code confirms (true, and `me.email` is P). The confirm gate (an "open change") does not stop
 * it: both requests recorded real undos. Here (cognito-local's fixed code) the free case confirms T instead of P;
 * the test compares what a prober can see in both: whether the earlier pending address P got confirmed.
 *
 * Should: after a request to T, the earlier pending address is never confirmed, whether T is taken or free (a
 * request to a taken address also voids the account's earlier pending change, or confirmEmailChange confirms only
 * the address of the account's newest open change).
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail, answerFloorMs: 0 });
});
afterAll(() => gw.close());

/** One probe of `target` by a fresh prober account; whether the prober's earlier pending address P got confirmed. */
const probe = async (target: string) => {
  const prober = await enrolledUser(gw);
  const probersP = uniqueEmail();
  const first = await gw.run(RequestEmailChangeDocument, { newEmail: probersP, code: await freshCode(prober.secret) }, { token: prober.accessToken });
  const second = await gw.run(RequestEmailChangeDocument, { newEmail: target, code: await freshCode(prober.secret) }, { token: prober.accessToken });
  const confirm = await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: prober.accessToken }); // P's code, from the prober's inbox
  const me = dataOf(await gw.run(MeDocument, {}, { token: prober.accessToken })).me;
  return {
    requestAnswers: [first.errors?.[0]?.extensions?.["code"] ?? "true", second.errors?.[0]?.extensions?.["code"] ?? "true"],
    // true in both cases here (cognito-local's fixed code confirms T in the free case); against real Cognito the free case is CODE_MISMATCH
    confirmAnswer: confirm.errors?.[0]?.extensions?.["code"] ?? "true",
    confirmedTheEarlierPendingP: me.email.toLowerCase() === probersP.toLowerCase(),
  };
};

describe("ATTACK: an existence probe through the prober's own earlier pending email change", () => {
  it("a taken target and a free target leave the same trace", async () => {
    const patient = await registerConfirmed(gw); // the address whose existence is probed
    const taken = await probe(patient);
    const free = await probe(uniqueEmail());
    console.log({ taken, free });
    expect(taken.requestAnswers).toEqual(free.requestAnswers); // the uniform answer holds
    expect(taken.confirmedTheEarlierPendingP).toBe(free.confirmedTheEarlierPendingP);
  });
});

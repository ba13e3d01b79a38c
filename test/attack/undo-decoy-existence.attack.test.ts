import { RequestEmailChangeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, registerConfirmed, uniqueEmail } from "../support/users";

/**
 * ATTACK: existence oracle through the undo token of one's own email change.
 *
 * Severity: low-medium (tells whether an address has an account — a patient of this healthcare product — with
 * certainty; costs the attacker a code of their OWN authenticator and one of requestEmailChange's hourly requests
 * per probe, on as many self-registered accounts as they like).
 *
 * requestEmailChange answers a taken and a free address alike (held, email-change-existence), and for a taken address
 * sends the old address a DECOY undo token "that undoes nothing". The attacker owns the old address (it is their own
 * account) and spends the token at once: the real token of a free address answers `true`; the decoy of a taken one
 * answers CODE_EXPIRED / UNDO_INVALID. The notice was made to look the same; the token's answer was not.
 *
 * Should: the undo of a decoy answers exactly as the undo of a real change (true, same shape), or the probe costs
 * the same and tells nothing in some other way; the answer must not depend on whether the address was taken.
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail, answerFloorMs: 0 });
});
afterAll(() => gw.close());

const shapeOf = (answer: { data?: unknown; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }) => ({
  data: answer.data ?? null,
  errors: answer.errors?.map((e) => ({ message: e.message, code: e.extensions?.["code"], reason: e.extensions?.["reason"] })),
});

/** The attacker's own account asks to move to `address`, then spends the undo token its own old address received. */
const probe = async (address: string) => {
  const attacker = await enrolledUser(gw);
  dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: address, code: await freshCode(attacker.secret) }, { token: attacker.accessToken }));
  const token = mail.to(attacker.email, "EMAIL_CHANGED")[0]!.undoToken!;
  return shapeOf(await gw.run(UndoEmailChangeDocument, { token }));
};

describe("ATTACK: the undo token of a request to a taken address", () => {
  it("answers exactly as the undo token of a request to a free address", async () => {
    const patient = await registerConfirmed(gw);
    const taken = await probe(patient);
    const free = await probe(uniqueEmail());
    console.log({ taken, free });
    expect(taken).toEqual(free);
  });
});

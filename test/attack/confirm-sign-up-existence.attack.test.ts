import { ConfirmSignUpDocument } from "../generated/graphql";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { registerConfirmed, uniqueEmail } from "../support/users";

/**
 * ATTACK: unauthenticated existence oracle — confirmSignUp answers a registered account differently from an unknown
 * address.
 *
 * Severity: low-medium (one public request per address tells whether a patient has an account; no sign-in, no code
 * needed; each probe costs one of the code guard's attempts for that address, which never blocks a probe of another).
 *
 * The gateway maps the provider's account-revealing refusals of ConfirmSignUp (UserNotFoundException,
 * NotAuthorizedException, AliasExistsException) to CODE_MISMATCH, so that an unknown address and a wrong code look
 * alike — but not ExpiredCodeException, which falls through to the generic mapping: CODE_EXPIRED, "The code has expired;
 * request a new one." The provider answers that only for an account that exists (cognito-local, i.e. dev mode and
 * this suite: every CONFIRMED account, since it has no code left; real Cognito: every unconfirmed account whose code
 * expired). An unknown address answers CODE_MISMATCH, "The code is incorrect."
 *
 * Should: confirmSignUp answers an address with an account and one without exactly alike (CODE_MISMATCH) for any
 * code that does not confirm.
 */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ answerFloorMs: 0 });
});
afterAll(() => gw.close());

const shapeOf = (answer: { data?: unknown; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }) => ({
  data: answer.data ?? null,
  errors: answer.errors?.map((e) => ({ message: e.message, code: e.extensions?.["code"], reason: e.extensions?.["reason"] })),
});

describe("ATTACK: confirmSignUp as an existence oracle", () => {
  it("answers a registered patient's address exactly as an address nobody registered", async () => {
    const patient = await registerConfirmed(gw);
    const registered = shapeOf(await gw.run(ConfirmSignUpDocument, { email: patient, code: "000000" }));
    const nobody = shapeOf(await gw.run(ConfirmSignUpDocument, { email: uniqueEmail(), code: "000000" }));
    console.log({ registered, nobody });
    expect(registered).toEqual(nobody);
  });
});

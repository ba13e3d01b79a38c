import { ConfirmEmailChangeDocument, LoginDocument, MeDocument, RequestEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD, registerConfirmed, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * An address belongs to one account. Anyone can sign up, enrol an authenticator and ask to move their own
 * address to any other: the gateway leaves uniqueness to the provider (updateAttributes' AliasExistsException
 * maps to BAD_USER_INPUT). cognito-local (dev mode, `npm start`) does not refuse, so a second account ends
 * up carrying another patient's address, verified with the code "sent" to it; against real Cognito the
 * same request answers BAD_USER_INPUT for a taken address and true for a free one, an existence oracle
 * (5 per hour per account, as many accounts as the attacker registers). The uniform answer and the refusal
 * belong to the gateway, not to whichever provider sits behind it.
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail });
});
afterAll(() => gw.close());

const shapeOf = (answer: { data?: unknown; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }) => ({
  data: answer.data ?? null,
  errors: answer.errors?.map((e) => ({ message: e.message, code: e.extensions?.["code"], reason: e.extensions?.["reason"] })),
});

describe("ATTACK: requestEmailChange to an address another account holds", () => {
  it("answers it exactly as a free address (held on cognito-local; real Cognito's AliasExistsException would answer BAD_USER_INPUT)", async () => {
    const victim = await registerConfirmed(gw);
    const probeTaken = await enrolledUser(gw);
    const probeFree = await enrolledUser(gw);
    const taken = shapeOf(await gw.run(RequestEmailChangeDocument, { newEmail: victim, code: await freshCode(probeTaken.secret) }, { token: probeTaken.accessToken }));
    const free = shapeOf(await gw.run(RequestEmailChangeDocument, { newEmail: uniqueEmail(), code: await freshCode(probeFree.secret) }, { token: probeFree.accessToken }));
    expect(taken).toEqual(free);
  });

  it("never leaves a second account carrying the victim's address, verified", async () => {
    const victim = await registerConfirmed(gw);
    const thief = await enrolledUser(gw);
    await gw.run(RequestEmailChangeDocument, { newEmail: victim.toUpperCase(), code: await freshCode(thief.secret) }, { token: thief.accessToken });
    await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: thief.accessToken });
    // The victim still signs in with it...
    expect((await gw.run(LoginDocument, { email: victim, password: PASSWORD })).errors).toBeUndefined();
    // ...and nobody else holds it.
    const me = dataOf(await gw.run(MeDocument, {}, { token: thief.accessToken })).me;
    expect({ email: me.email, emailVerified: me.emailVerified }).not.toEqual({ email: victim, emailVerified: true });
  });
});

import { BeginPasskeyRegistrationDocument, BeginPasskeyStepUpDocument, CompletePasskeyRegistrationDocument, GenerateRecoveryCodesDocument, RemovePasskeyDocument } from "../generated/graphql";
import { dataOf, errorOf } from "../support/graphql-client";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, loginWithMfa, type EnrolledUser } from "../support/users";

/**
 * A fresh factor proves ONE change. Seams tried: one TOTP code spent by two aliased step-up mutations of one
 * request; a passkey step-up answer played again for a second operation in the same session; the owner's
 * answer (captured) played in the thief's own session.
 */
const origin = "http://localhost:4000";
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const withPasskey = async (): Promise<EnrolledUser & { key: SoftAuthenticator }> => {
  const user = await enrolledUser(gw);
  const key = new SoftAuthenticator({ origin });
  const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).beginPasskeyRegistration;
  dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: key.register(options), nickname: "Phone" }, { token: user.accessToken }));
  return { ...user, key };
};

describe("ATTACK: one fresh factor, two changes", () => {
  it("one code in two aliased step-up mutations proves only the first", async () => {
    const owner = await enrolledUser(gw);
    const batch = "mutation Two($code: String) { first: generateRecoveryCodes(code: $code) second: beginPasskeyRegistration(code: $code) }";
    const r = await gw.run<{ first: string[] | null; second: string | null }, { code: string }>(batch, { code: await freshCode(owner.secret) }, { token: owner.accessToken });
    // `second` is refused as a replay; both fields are non-null, so the whole answer is null.
    expect(r.errors?.map((e) => [e.path, e.extensions.code])).toEqual([[["second"], "CODE_MISMATCH"]]);
    expect(r.data ?? null).toBeNull();
  });

  it("a passkey step-up answer proves one operation, in its own session only", async () => {
    const owner = await withPasskey();
    const options = dataOf(await gw.run(BeginPasskeyStepUpDocument, {}, { token: owner.accessToken })).beginPasskeyStepUp;
    const answer = owner.key.assert(options);
    expect(dataOf(await gw.run(GenerateRecoveryCodesDocument, { passkey: answer }, { token: owner.accessToken })).generateRecoveryCodes).toHaveLength(10);
    // Played again in the same session (a second change), after a new begin too.
    expect(errorOf(await gw.run(RemovePasskeyDocument, { id: owner.key.id, passkey: answer }, { token: owner.accessToken })).extensions.code).toBe("SESSION_EXPIRED");
    dataOf(await gw.run(BeginPasskeyStepUpDocument, {}, { token: owner.accessToken }));
    expect(errorOf(await gw.run(RemovePasskeyDocument, { id: owner.key.id, passkey: answer }, { token: owner.accessToken })).extensions.code).toBe("INVALID_CREDENTIALS");
    // The owner's answer captured and played in another session (the thief's stolen token of another login).
    const thief = (await loginWithMfa(gw, owner)).tokens!.accessToken;
    const ownersOptions = dataOf(await gw.run(BeginPasskeyStepUpDocument, {}, { token: owner.accessToken })).beginPasskeyStepUp;
    dataOf(await gw.run(BeginPasskeyStepUpDocument, {}, { token: thief }));
    expect(errorOf(await gw.run(BeginPasskeyRegistrationDocument, { passkey: owner.key.assert(ownersOptions) }, { token: thief })).extensions.code).toBe("INVALID_CREDENTIALS");
  });
});

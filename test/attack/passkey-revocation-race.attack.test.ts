import {
  AdminPasskeysDocument,
  AdminRemovePasskeyDocument,
  BeginPasskeyLoginDocument,
  BeginPasskeyRegistrationDocument,
  CompletePasskeyLoginDocument,
  CompletePasskeyRegistrationDocument,
  MeDocument,
  PasskeysDocument,
  RemovePasskeyDocument,
} from "../generated/graphql";
import { FakeClock } from "../fakes/fake-clock";
import { dataOf, type GraphQLResponse } from "../support/graphql-client";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { startTestGateway, testSettings, type TestGateway } from "../support/test-gateway";
import { passkeyStepUp } from "../support/step-up";
import { adminUser, enrolledUser, freshCode } from "../support/users";

/**
 * ATTACK: a passkey revoked (removePasskey, or adminRemovePasskey for a stolen device) while a sign-in with it
 * is in flight comes back to life: PasskeyLogin.assert() writes the whole record (`passkeys.update`, a plain
 * SET of `passkey:<id>`) after verifying, so a removal that landed between `find` and `update` is undone. The
 * record is back under `passkey:<id>` (which is what sign-in looks up) but not in the account's set
 * (`passkeys:<sub>`), so `passkeys` / `adminPasskeys` no longer show it and the owner/admin cannot see it.
 */
const origin = "http://localhost:4000";
const clock = new FakeClock();
let gw: TestGateway;
beforeAll(async () => {
  // Twelve sign-ins in flight hold twelve lockout slots; the owner's step-up for the removal racing them must
  // not find the account "locked" (the race is about revocation, not the lockout).
  gw = await startTestGateway({ clock, settings: { policy: { ...testSettings().policy, lockoutThreshold: 50 } } });
});
afterAll(() => gw.close());

const enrol = async (token: string, stepUp: { code: string } | { passkey: string }) => {
  const key = new SoftAuthenticator({ origin });
  const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, stepUp, { token })).beginPasskeyRegistration;
  dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: key.register(options), nickname: "Stolen laptop" }, { token }));
  return key;
};

const loginWith = async (key: SoftAuthenticator) => {
  const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
  return gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: key.assert(begun.options) });
};

/** Many sign-ins in flight (the thief spamming) while the removal lands; then: does the key still sign in? */
const raceRemoval = async (key: SoftAuthenticator, remove: () => Promise<unknown>) => {
  const begun = await Promise.all(Array.from({ length: 12 }, async () => dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin));
  const answers = begun.map((b) => ({ session: b.session, response: key.assert(b.options) }));
  const inFlight = answers.map((a) => gw.run(CompletePasskeyLoginDocument, a));
  await new Promise((r) => setImmediate(r));
  dataOf((await remove()) as GraphQLResponse<unknown>);
  await Promise.all(inFlight);
  const after = await loginWith(key);
  return after.data?.completePasskeyLogin?.tokens?.accessToken;
};

describe("ATTACK: passkey revocation racing a sign-in", () => {
  it("a passkey the owner removed keeps signing in (and is hidden from `passkeys`)", async () => {
    const user = await enrolledUser(gw);
    // The owner's own second passkey answers the step-ups of every round (a TOTP code is one per 30 s).
    const anchor = await enrol(user.accessToken, { code: await freshCode(user.secret) });
    let resurrected: string | undefined;
    for (let round = 0; round < 8 && !resurrected; round++) {
      const key = await enrol(user.accessToken, await passkeyStepUp(gw, user.accessToken, anchor));
      const stepUp = await passkeyStepUp(gw, user.accessToken, anchor);
      resurrected = await raceRemoval(key, () => gw.run(RemovePasskeyDocument, { id: key.id, ...stepUp }, { token: user.accessToken }));
      if (resurrected) {
        // The owner's list does not show it any more, yet it signed in after the removal answered true.
        expect(dataOf(await gw.run(PasskeysDocument, {}, { token: user.accessToken })).passkeys.map((p) => p.id)).not.toContain(key.id);
        expect(dataOf(await gw.run(MeDocument, {}, { token: resurrected })).me.email).toBe(user.email);
        // ...and keeps doing so.
        expect((await loginWith(key)).data?.completePasskeyLogin?.tokens?.accessToken).toBeTruthy();
      }
    }
    // What should happen: after removePasskey answered true, the credential never signs in again.
    expect(resurrected).toBeUndefined();
  });

  it("a passkey an administrator revoked (stolen device) keeps signing in, invisible to adminPasskeys", async () => {
    const admin = await adminUser(gw);
    let resurrected: string | undefined;
    let victimSub = "";
    let keyId = "";
    for (let round = 0; round < 8 && !resurrected; round++) {
      const victim = await enrolledUser(gw);
      victimSub = dataOf(await gw.run(MeDocument, {}, { token: victim.accessToken })).me.sub;
      const key = await enrol(victim.accessToken, { code: await freshCode(victim.secret) });
      keyId = key.id;
      resurrected = await raceRemoval(key, () => gw.run(AdminRemovePasskeyDocument, { userId: victimSub, id: key.id }, { token: admin.accessToken }));
    }
    if (resurrected) {
      expect(dataOf(await gw.run(AdminPasskeysDocument, { userId: victimSub }, { token: admin.accessToken })).adminPasskeys.map((p) => p.id)).not.toContain(keyId);
    }
    expect(resurrected).toBeUndefined();
  });
});

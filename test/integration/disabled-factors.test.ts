import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { loadConfig } from "../../src/config";
import { RedisStore } from "../../src/store/redis-store";
import { BeginPasskeyRegistrationDocument, CompletePasskeyRegistrationDocument, GenerateRecoveryCodesDocument, LoginDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD } from "../support/users";

/**
 * A factor whose feature is off is neither offered nor asked at the MFA step: a user who enrolled a passkey
 * (and recovery codes) where the features were on signs in on a gateway with DISABLED_FEATURES=passkeys,
 * recovery-codes and is offered no WEBAUTHN alternative, whose mutations that gateway does not have.
 */
const prefix = `authgw-factors-off:${randomUUID()}:`;
const url = "redis://127.0.0.1:6379";
const stores = [new RedisStore({ url, keyPrefix: prefix }), new RedisStore({ url, keyPrefix: prefix })] as const;
let on: TestGateway;
let off: TestGateway;
beforeAll(async () => {
  on = await startTestGateway({ store: stores[0] });
  off = await startTestGateway({ store: stores[1], settings: { disabledFeatures: loadConfig({ DISABLED_FEATURES: "passkeys,recovery-codes" }).disabledFeatures } });
});
afterAll(async () => {
  await Promise.all([on.close(), off.close()]);
  // The gateways leave a store they were given open: its owner closes it.
  await Promise.all(stores.map((store) => store.close()));
  const redis = new Redis(url);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const loginChallenge = async (gw: TestGateway, email: string) =>
  dataOf(await gw.run<{ login: { challenge: { name: string; alternatives: string[] } } }, { e: string; p: string }>(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { challenge { name alternatives } } }`, { e: email, p: PASSWORD })).login;

it("offers WEBAUTHN where passkeys are on and not where they are off, for the same account and store", async () => {
  const user = await enrolledUser(on);
  const key = new SoftAuthenticator({ origin: "http://localhost:4000", userVerified: false });
  const options = dataOf(await on.run(BeginPasskeyRegistrationDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).beginPasskeyRegistration;
  dataOf(await on.run(CompletePasskeyRegistrationDocument, { response: key.register(options), nickname: "Key" }, { token: user.accessToken }));
  dataOf(await on.run(GenerateRecoveryCodesDocument, { code: await freshCode(user.secret) }, { token: user.accessToken }));

  expect((await loginChallenge(on, user.email)).challenge).toEqual({ name: "SOFTWARE_TOKEN_MFA", alternatives: ["WEBAUTHN"] });
  expect((await loginChallenge(off, user.email)).challenge).toEqual({ name: "SOFTWARE_TOKEN_MFA", alternatives: [] });
  // The login itself is unchanged: the password, then the authenticator's code.
  expect(dataOf(await off.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge?.name).toBe("SOFTWARE_TOKEN_MFA");
});

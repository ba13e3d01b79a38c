import { createHmac, randomBytes, type KeyObject } from "node:crypto";
import { InitiateAuthCommand, RespondToAuthChallengeCommand } from "@aws-sdk/client-cognito-identity-provider";
import { CognitoIdentityProvider } from "../../src/auth/cognito/cognito-identity-provider";
import { localCredentials } from "../../src/dev/provision-local";
import { ErrorCode } from "../../src/errors/error-codes";
import { customAuthProof, customAuthSigningKey, generateCustomAuthKeyPair } from "../../src/shared/custom-auth-proof";
import { TEST_CODE, testCognito } from "../setup/test-cognito";
import { PASSWORD, uniqueEmail } from "../support/users";

/**
 * Dev mode's cognito-local (patched: patches/cognito-local+5.3.0.patch) stands in for the pool's custom-auth
 * triggers the way deploy/cognito-custom-auth does on AWS: it gives a nonce and accepts only the gateway's
 * Ed25519 signature, checked with the public key alone (test/setup/global-setup.ts hands it the run's), once
 * per session. The old HMAC answer is refused.
 */
describe("cognito-local's CUSTOM_AUTH stand-in", () => {
  const cognito = testCognito();
  const idp = (customAuthKey: KeyObject) =>
    new CognitoIdentityProvider({ clientId: cognito.clientId, clientSecret: undefined, region: "local", endpoint: cognito.endpoint, credentials: localCredentials, emulator: true, customAuthKey });
  const key = customAuthSigningKey(cognito.customAuthPrivateKey);
  const gateway = idp(key);
  let sub: string;

  beforeAll(async () => {
    const email = uniqueEmail();
    ({ sub } = await gateway.signUp({ email, password: PASSWORD }));
    await gateway.confirmSignUp(email, TEST_CODE);
  });

  const start = async () => {
    const started = await gateway.client.send(new InitiateAuthCommand({ ClientId: cognito.clientId, AuthFlow: "CUSTOM_AUTH", AuthParameters: { USERNAME: sub } }));
    return { session: started.Session ?? "", nonce: started.ChallengeParameters?.["nonce"] ?? "" };
  };
  const answer = (session: string, ANSWER: string, purpose = "passkey") =>
    gateway.client.send(new RespondToAuthChallengeCommand({ ClientId: cognito.clientId, ChallengeName: "CUSTOM_CHALLENGE", Session: session, ChallengeResponses: { USERNAME: sub, ANSWER }, ClientMetadata: { purpose } }));

  it("issues tokens for the gateway's answer", async () => {
    await expect(gateway.proofAuth(sub, "passkey")).resolves.toMatchObject({ accessToken: expect.any(String) });
    await expect(gateway.proofAuth(sub, "recovery-code")).resolves.toMatchObject({ accessToken: expect.any(String) });
  });

  it("refuses a gateway with another private key", async () => {
    await expect(idp(customAuthSigningKey(generateCustomAuthKeyPair().privateKeyPem)).proofAuth(sub, "passkey")).rejects.toMatchObject({ code: ErrorCode.SESSION_EXPIRED });
  });

  it("refuses the old HMAC answer", async () => {
    const { session, nonce } = await start();
    const hmac = createHmac("sha256", randomBytes(32).toString("base64url")).update(`passkey:${sub}:${nonce}`, "utf8").digest("base64url");
    await expect(answer(session, hmac)).rejects.toMatchObject({ name: "NotAuthorizedException" });
  });

  it("gives a fresh nonce per session and refuses a guess, then even the right answer (no second attempt)", async () => {
    const first = await start();
    const second = await start();
    expect(first.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.nonce).not.toBe(first.nonce);
    await expect(answer(first.session, "any non-empty answer")).rejects.toMatchObject({ name: "NotAuthorizedException" });
    const right = customAuthProof(key, { purpose: "passkey", subject: sub, nonce: first.nonce });
    await expect(answer(first.session, right)).rejects.toMatchObject({ name: "NotAuthorizedException" });
  });

  it("refuses an answer for another session's nonce, or relabelled with another purpose", async () => {
    const [one, two] = [await start(), await start()];
    await expect(answer(two.session, customAuthProof(key, { purpose: "passkey", subject: sub, nonce: one.nonce }))).rejects.toMatchObject({ name: "NotAuthorizedException" });
    const three = await start();
    await expect(answer(three.session, customAuthProof(key, { purpose: "passkey", subject: sub, nonce: three.nonce }), "recovery-code")).rejects.toMatchObject({ name: "NotAuthorizedException" });
  });
});

import { randomBytes } from "node:crypto";
import { InitiateAuthCommand, RespondToAuthChallengeCommand } from "@aws-sdk/client-cognito-identity-provider";
import { CognitoIdentityProvider } from "../../src/auth/cognito/cognito-identity-provider";
import { localCredentials } from "../../src/dev/provision-local";
import { ErrorCode } from "../../src/errors/error-codes";
import { customAuthProof } from "../../src/shared/custom-auth-proof";
import { TEST_CODE, testCognito } from "../setup/test-cognito";
import { PASSWORD, uniqueEmail } from "../support/users";

/**
 * Dev mode's cognito-local (patched: patches/cognito-local+5.3.0.patch) stands in for the pool's custom-auth
 * triggers the way deploy/cognito-custom-auth does on AWS: it gives a nonce and accepts only the HMAC under
 * the gateway's CUSTOM_AUTH_SECRET (test/setup/global-setup.ts hands it the run's), once per session.
 */
describe("cognito-local's CUSTOM_AUTH stand-in", () => {
  const cognito = testCognito();
  const idp = (customAuthSecret: string) =>
    new CognitoIdentityProvider({ clientId: cognito.clientId, clientSecret: undefined, region: "local", endpoint: cognito.endpoint, credentials: localCredentials, emulator: true, customAuthSecret });
  const gateway = idp(cognito.customAuthSecret);
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

  it("refuses a gateway with another secret", async () => {
    await expect(idp(randomBytes(32).toString("base64url")).proofAuth(sub, "passkey")).rejects.toMatchObject({ code: ErrorCode.SESSION_EXPIRED });
  });

  it("gives a fresh nonce per session and refuses a guess, then even the right answer (no second attempt)", async () => {
    const first = await start();
    const second = await start();
    expect(first.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.nonce).not.toBe(first.nonce);
    await expect(answer(first.session, "any non-empty answer")).rejects.toMatchObject({ name: "NotAuthorizedException" });
    const right = customAuthProof(cognito.customAuthSecret, { purpose: "passkey", subject: sub, nonce: first.nonce });
    await expect(answer(first.session, right)).rejects.toMatchObject({ name: "NotAuthorizedException" });
  });

  it("refuses an answer for another session's nonce, or relabelled with another purpose", async () => {
    const [one, two] = [await start(), await start()];
    await expect(answer(two.session, customAuthProof(cognito.customAuthSecret, { purpose: "passkey", subject: sub, nonce: one.nonce }))).rejects.toMatchObject({ name: "NotAuthorizedException" });
    const three = await start();
    await expect(answer(three.session, customAuthProof(cognito.customAuthSecret, { purpose: "passkey", subject: sub, nonce: three.nonce }), "recovery-code")).rejects.toMatchObject({ name: "NotAuthorizedException" });
  });
});

import { createHmac, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import { CognitoIdentityProviderClient, InitiateAuthCommand, NotAuthorizedException, RespondToAuthChallengeCommand, type InitiateAuthCommandInput, type RespondToAuthChallengeCommandInput } from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import { createAuthChallenge } from "../../../deploy/cognito-custom-auth/create-auth-challenge";
import { defineAuthChallenge } from "../../../deploy/cognito-custom-auth/define-auth-challenge";
import type { ChallengeResult, CreateAuthChallengeEvent, DefineAuthChallengeEvent, VerifyAuthChallengeResponseEvent } from "../../../deploy/cognito-custom-auth/trigger-events";
import { handler, publicKeysFromEnv, verifyAuthChallengeResponse } from "../../../deploy/cognito-custom-auth/verify-auth-challenge-response";
import { CognitoIdentityProvider } from "../../../src/auth/cognito/cognito-identity-provider";
import { ErrorCode } from "../../../src/errors/error-codes";
import { customAuthProof, customAuthSigningKey, customAuthVerifyingKey, generateCustomAuthKeyPair, type CustomAuthPurpose } from "../../../src/shared/custom-auth-proof";

/** The gateway's key pair: the private half stays with the gateway, the triggers get the public half only. */
const pair = generateCustomAuthKeyPair();
const gatewayKey = customAuthSigningKey(pair.privateKeyPem);
const publicKey = customAuthVerifyingKey(pair.publicKeyPem);
const otherPair = generateCustomAuthKeyPair();
const clientId = "gatewayclient";
const alice = randomUUID();
const bob = randomUUID();
const users: Record<string, Record<string, string>> = { [alice]: { sub: alice, email: "alice@example.test" }, [bob]: { sub: bob, email: "bob@example.test" } };

const base = { version: "1", region: "eu-west-1", userPoolId: "eu-west-1_Pool", callerContext: { awsSdkVersion: "3", clientId } };
const defineEvent = (sub: string, session: ChallengeResult[], userNotFound?: boolean): DefineAuthChallengeEvent => ({
  ...base,
  userName: sub,
  triggerSource: "DefineAuthChallenge_Authentication",
  request: { userAttributes: users[sub] ?? {}, session, userNotFound },
  response: { challengeName: "", issueTokens: false, failAuthentication: false },
});
const createEvent = (sub: string, session: ChallengeResult[]): CreateAuthChallengeEvent => ({
  ...base,
  userName: sub,
  triggerSource: "CreateAuthChallenge_Authentication",
  request: { userAttributes: users[sub] ?? {}, challengeName: "CUSTOM_CHALLENGE", session },
  response: { publicChallengeParameters: {}, privateChallengeParameters: {}, challengeMetadata: "" },
});
const verifyEvent = (sub: string, nonce: string, answer: string, purpose: string | undefined, userNotFound?: boolean): VerifyAuthChallengeResponseEvent => ({
  ...base,
  userName: sub,
  triggerSource: "VerifyAuthChallengeResponse_Authentication",
  request: { userAttributes: users[sub] ?? {}, privateChallengeParameters: { nonce }, challengeAnswer: answer, clientMetadata: purpose === undefined ? undefined : { purpose }, userNotFound },
  response: { answerCorrect: false },
});

const nonceFor = (sub: string) => createAuthChallenge(createEvent(sub, [])).response.privateChallengeParameters["nonce"] ?? "";
const answered = (correct: boolean): ChallengeResult => ({ challengeName: "CUSTOM_CHALLENGE", challengeResult: correct, challengeMetadata: "GATEWAY_PROOF" });

/**
 * A pool that runs the three triggers as Cognito does (Define → Create on InitiateAuth; Verify → Define on
 * RespondToAuthChallenge), behind the gateway's real adapter over aws-sdk-client-mock.
 */
const poolWithTriggers = (lambdaKeys: readonly KeyObject[], tamper: (answer: string) => string = (a) => a) => {
  const client = new CognitoIdentityProviderClient({ region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } });
  const cognito = mockClient(client);
  const sessions = new Map<string, { sub: string; history: ChallengeResult[]; nonce: string; metadata: string }>();
  const refuse = () => new NotAuthorizedException({ message: "Incorrect username or password.", $metadata: {} });
  cognito.on(InitiateAuthCommand).callsFake((input: InitiateAuthCommandInput) => {
    const sub = input.AuthParameters?.["USERNAME"] ?? "";
    const defined = defineAuthChallenge(defineEvent(sub, [], users[sub] === undefined)).response;
    if (defined.challengeName !== "CUSTOM_CHALLENGE") throw refuse();
    const created = createAuthChallenge(createEvent(sub, [])).response;
    const session = randomUUID();
    sessions.set(session, { sub, history: [], nonce: created.privateChallengeParameters["nonce"] ?? "", metadata: created.challengeMetadata });
    return { ChallengeName: "CUSTOM_CHALLENGE", Session: session, ChallengeParameters: { USERNAME: sub, ...created.publicChallengeParameters } };
  });
  cognito.on(RespondToAuthChallengeCommand).callsFake((input: RespondToAuthChallengeCommandInput) => {
    const state = sessions.get(input.Session ?? "");
    if (!state) throw refuse();
    const answer = tamper(input.ChallengeResponses?.["ANSWER"] ?? "");
    const verified = verifyAuthChallengeResponse(verifyEvent(state.sub, state.nonce, answer, input.ClientMetadata?.["purpose"], users[state.sub] === undefined), lambdaKeys).response;
    state.history.push({ challengeName: "CUSTOM_CHALLENGE", challengeResult: verified.answerCorrect, challengeMetadata: state.metadata });
    const next = defineAuthChallenge(defineEvent(state.sub, state.history)).response;
    if (next.failAuthentication || !next.issueTokens) throw refuse();
    sessions.delete(input.Session ?? "");
    return { AuthenticationResult: { AccessToken: "access", IdToken: "id", RefreshToken: "refresh", ExpiresIn: 900, TokenType: "Bearer" } };
  });
  const idp = (gatewayPrivateKey: KeyObject | undefined) => new CognitoIdentityProvider({ clientId, clientSecret: undefined, region: "eu-west-1", endpoint: undefined, client, customAuthKey: gatewayPrivateKey });
  return { cognito, idp };
};

describe("Cognito custom-auth triggers (deploy/cognito-custom-auth) against the gateway's answer", () => {
  it.each<CustomAuthPurpose>(["passkey", "recovery-code"])("issue tokens for the gateway's right answer (%s)", async (purpose) => {
    const { cognito, idp } = poolWithTriggers([publicKey]);
    await expect(idp(gatewayKey).proofAuth(alice, purpose)).resolves.toMatchObject({ accessToken: "access", idToken: "id" });
    const respond = cognito.commandCalls(RespondToAuthChallengeCommand)[0]?.args[0].input;
    expect(respond?.ClientMetadata).toEqual({ purpose });
    // An Ed25519 signature (64 bytes), not an HMAC.
    expect(respond?.ChallengeResponses?.["ANSWER"]).toMatch(/^[A-Za-z0-9_-]{86}$/);
  });

  it("refuse a gateway with another private key, and a pool whose Lambdas have no public key", async () => {
    await expect(poolWithTriggers([publicKey]).idp(customAuthSigningKey(otherPair.privateKeyPem)).proofAuth(alice, "passkey")).rejects.toMatchObject({ code: ErrorCode.SESSION_EXPIRED });
    await expect(poolWithTriggers([]).idp(gatewayKey).proofAuth(alice, "passkey")).rejects.toMatchObject({ code: ErrorCode.SESSION_EXPIRED });
  });

  it("accept both keys of CUSTOM_AUTH_PUBLIC_KEYS while the gateway's key is rotated, and only those", async () => {
    const env = { CUSTOM_AUTH_PUBLIC_KEYS: JSON.stringify([pair.publicKeyPem, otherPair.publicKeyPem]) };
    const { keys } = publicKeysFromEnv(env);
    expect(keys).toHaveLength(2);
    await expect(poolWithTriggers(keys).idp(gatewayKey).proofAuth(alice, "passkey")).resolves.toMatchObject({ accessToken: "access" });
    await expect(poolWithTriggers(keys).idp(customAuthSigningKey(otherPair.privateKeyPem)).proofAuth(alice, "passkey")).resolves.toMatchObject({ accessToken: "access" });
    const third = customAuthSigningKey(generateCustomAuthKeyPair().privateKeyPem);
    await expect(poolWithTriggers(keys).idp(third).proofAuth(alice, "passkey")).rejects.toMatchObject({ code: ErrorCode.SESSION_EXPIRED });
  });

  it("read public keys only: a private key, a non-Ed25519 key, a bare string or bad JSON is dropped, never trusted", () => {
    const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(publicKeysFromEnv({ CUSTOM_AUTH_PUBLIC_KEYS: JSON.stringify([pair.privateKeyPem, p256, "secret", pair.publicKeyPem]) })).toMatchObject({ rejected: 3, keys: [expect.anything()] });
    expect(publicKeysFromEnv({ CUSTOM_AUTH_PUBLIC_KEYS: "not json" })).toMatchObject({ keys: [], rejected: 1 });
    expect(publicKeysFromEnv({ CUSTOM_AUTH_PUBLIC_KEYS: JSON.stringify(pair.publicKeyPem) })).toMatchObject({ keys: [], rejected: 1 });
    expect(publicKeysFromEnv({})).toEqual({ keys: [], rejected: 0 });
  });

  it("refuse an altered answer (one character) from the right gateway", async () => {
    const flip = (answer: string) => (answer.startsWith("A") ? "B" : "A") + answer.slice(1);
    await expect(poolWithTriggers([publicKey], flip).idp(gatewayKey).proofAuth(alice, "passkey")).rejects.toMatchObject({ code: ErrorCode.SESSION_EXPIRED });
  });

  it("are never asked by a gateway without CUSTOM_AUTH_PRIVATE_KEY", async () => {
    const { cognito, idp } = poolWithTriggers([publicKey]);
    await expect(idp(undefined).proofAuth(alice, "passkey")).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
    expect(cognito.calls()).toHaveLength(0);
  });

  describe("VerifyAuthChallengeResponse", () => {
    const nonce = nonceFor(alice);
    const right = customAuthProof(gatewayKey, { purpose: "passkey", subject: alice, nonce });
    const verdict = (event: VerifyAuthChallengeResponseEvent, keys: readonly KeyObject[] = [publicKey]) => verifyAuthChallengeResponse(event, keys).response.answerCorrect;

    it("accepts the gateway's signature", () => expect(verdict(verifyEvent(alice, nonce, right, "passkey"))).toBe(true));
    it("refuses a signature by another key", () => expect(verdict(verifyEvent(alice, nonce, customAuthProof(customAuthSigningKey(otherPair.privateKeyPem), { purpose: "passkey", subject: alice, nonce }), "passkey"))).toBe(false));
    it("refuses the old HMAC answer, even from a Lambda that still has CUSTOM_AUTH_SECRET", async () => {
      const oldSecret = randomBytes(32).toString("base64url");
      const hmac = createHmac("sha256", oldSecret).update(`passkey:${alice}:${nonce}`, "utf8").digest("base64url");
      expect(verdict(verifyEvent(alice, nonce, hmac, "passkey"))).toBe(false);
      const silence = jest.spyOn(console, "error").mockImplementation(() => undefined);
      try {
        Object.assign(process.env, { CUSTOM_AUTH_SECRET: oldSecret, CUSTOM_AUTH_PUBLIC_KEYS: JSON.stringify([pair.publicKeyPem]) });
        expect((await handler(verifyEvent(alice, nonce, hmac, "passkey"))).response.answerCorrect).toBe(false);
        expect((await handler(verifyEvent(alice, nonce, right, "passkey"))).response.answerCorrect).toBe(true);
        expect(silence).toHaveBeenCalledWith(expect.stringContaining("CUSTOM_AUTH_SECRET is set but no longer used"));
      } finally {
        delete process.env["CUSTOM_AUTH_SECRET"];
        delete process.env["CUSTOM_AUTH_PUBLIC_KEYS"];
        silence.mockRestore();
      }
    });
    it("refuses another user's answer", () => expect(verdict(verifyEvent(bob, nonce, right, "passkey"))).toBe(false));
    it("refuses an answer for another nonce (a replay into a new session)", () => expect(verdict(verifyEvent(alice, nonceFor(alice), right, "passkey"))).toBe(false));
    it("refuses an answer relabelled with another purpose", () => expect(verdict(verifyEvent(alice, nonce, right, "recovery-code"))).toBe(false));
    it.each([undefined, "", "password"])("refuses a missing or unknown purpose (%s)", (purpose) => expect(verdict(verifyEvent(alice, nonce, right, purpose))).toBe(false));
    it.each([["an empty", ""], ["a blank", " "], ["a made-up", "nonce-only"], ["the nonce as", nonce]])("refuses %s answer", (_label, answer) => expect(verdict(verifyEvent(alice, nonce, answer, "passkey"))).toBe(false));
    it("refuses an unknown user, even with a valid signature", () => expect(verdict(verifyEvent(alice, nonce, right, "passkey", true))).toBe(false));
    it("refuses everything without a public key", () => expect(verdict(verifyEvent(alice, nonce, right, "passkey"), [])).toBe(false));
    it("refuses when the private nonce is missing", () => {
      const event = verifyEvent(alice, nonce, right, "passkey");
      event.request.privateChallengeParameters = {};
      expect(verdict(event)).toBe(false);
    });
  });

  describe("DefineAuthChallenge", () => {
    const decide = (session: ChallengeResult[], userNotFound?: boolean) => defineAuthChallenge(defineEvent(alice, session, userNotFound)).response;

    it("issues exactly one CUSTOM_CHALLENGE for an empty session (for an unknown user too: no enumeration)", () => {
      expect(decide([])).toEqual({ challengeName: "CUSTOM_CHALLENGE", issueTokens: false, failAuthentication: false });
      expect(decide([], true)).toEqual({ challengeName: "CUSTOM_CHALLENGE", issueTokens: false, failAuthentication: false });
    });
    it("issues tokens after that single challenge answered correctly", () => expect(decide([answered(true)])).toEqual({ challengeName: "", issueTokens: true, failAuthentication: false }));
    it("fails after a wrong answer: no second attempt", () => expect(decide([answered(false)])).toMatchObject({ issueTokens: false, failAuthentication: true }));
    it("fails a second round, even after right answers", () => {
      expect(decide([answered(false), answered(true)])).toMatchObject({ issueTokens: false, failAuthentication: true });
      expect(decide([answered(true), answered(true)])).toMatchObject({ issueTokens: false, failAuthentication: true });
    });
    it.each<ChallengeResult[]>([
      [{ challengeName: "SRP_A", challengeResult: true }],
      [{ challengeName: "SRP_A", challengeResult: true }, { challengeName: "PASSWORD_VERIFIER", challengeResult: true }],
      [{ challengeName: "PASSWORD_VERIFIER", challengeResult: true }],
    ])("fails a session with an SRP or password step (%j)", (...session) => expect(decide(session)).toMatchObject({ issueTokens: false, failAuthentication: true }));
    it("fails a correct answer to a challenge our CreateAuthChallenge did not mark", () => expect(decide([{ challengeName: "CUSTOM_CHALLENGE", challengeResult: true }])).toMatchObject({ issueTokens: false, failAuthentication: true }));
    it("fails an unknown user even if a step claims success", () => expect(decide([answered(true)], true)).toMatchObject({ issueTokens: false, failAuthentication: true }));
  });

  describe("CreateAuthChallenge", () => {
    it("puts one fresh 256-bit nonce in the public and private parameters", () => {
      const { response } = createAuthChallenge(createEvent(alice, []));
      expect(response.publicChallengeParameters).toEqual(response.privateChallengeParameters);
      expect(response.privateChallengeParameters["nonce"]).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(response.challengeMetadata).toBe("GATEWAY_PROOF");
      expect(new Set(Array.from({ length: 50 }, () => nonceFor(alice))).size).toBe(50);
    });
    it("refuses to create any other challenge", () => {
      const event = createEvent(alice, []);
      event.request.challengeName = "PASSWORD_VERIFIER";
      expect(() => createAuthChallenge(event)).toThrow("unexpected challenge");
    });
  });
});

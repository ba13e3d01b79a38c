import {
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  GetUserCommand,
  InitiateAuthCommand,
  UpdateUserAttributesCommand,
  VerifySoftwareTokenCommand,
  VerifyUserAttributeCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  BeginPasskeyLoginDocument,
  BeginPasskeyRegistrationDocument,
  CompletePasskeyLoginDocument,
  CompletePasskeyRegistrationDocument,
  ConfirmForgotPasswordDocument,
  ForgotPasswordDocument,
  GenerateRecoveryCodesDocument,
  LoginDocument,
  MeDocument,
  ResetMfaDocument,
  RespondToMfaDocument,
} from "../generated/graphql";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { dataOf, type GraphQLResponse } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, loginWithMfa, PASSWORD, providerAccessToken, testCognitoClient, uniqueEmail } from "../support/users";
import { TEST_CODE, testCognito } from "../setup/test-cognito";

/**
 * Issue 22's step-up guards the gateway's mutations; this file is about the door beside them. Cognito's public
 * API (anyone can reach cognito-idp.<region>.amazonaws.com; here the run's cognito-local stands in for it)
 * accepts a Cognito access token alone for self-service calls: UpdateUserAttributes + VerifyUserAttribute move
 * the recovery channel, AssociateSoftwareToken + VerifySoftwareToken replace the authenticator, and a Cognito
 * refresh token mints new access tokens (InitiateAuth REFRESH_TOKEN_AUTH). No fresh factor, no notice to the
 * old address, no audit record, no undo.
 *
 * The gateway therefore hands bearer clients opaque handles (CLIENT_TOKENS=gateway, src/auth/held-tokens.ts):
 * what a thief can steal from a client is refused at the provider. Each refusal below has its control: the
 * provider's own token behind the same handle is accepted there, so the test fails the day handles stop
 * standing between clients and the provider.
 *
 * Defence in depth, for a provider token that leaked some other way (CLIENT_TOKENS=provider, a log): TOTP
 * codes are checked against the secret the owner enrolled through the gateway (sealed under TOTP_SEAL_KEY),
 * never through VerifySoftwareToken, so a secret the thief had the provider associate opens nothing.
 */
const mail = new NoticeCapture();
let gw: TestGateway;
let cognito: CognitoIdentityProviderClient;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail });
  cognito = testCognitoClient();
});
afterAll(async () => {
  cognito.destroy();
  await gw.close();
});

/** What the thief's own call to the provider's public endpoint gets: undefined when refused. */
const direct = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await call();
  } catch {
    return undefined;
  }
};
const accepted = (r: GraphQLResponse<unknown>): boolean => r.errors === undefined;

describe("ATTACK: the stolen access token taken straight to the identity provider's public API", () => {
  /**
   * Email moved to the thief at the provider, a reset through the gateway, then a sign-in with the thief's
   * authenticator. `steal`: what the client holds (a handle), or the provider token behind it (leaked elsewhere).
   */
  const takeoverAttempt = async (steal: "the client's handle" | "the provider's token") => {
    const owner = await enrolledUser(gw);
    const handle = (await loginWithMfa(gw, owner)).tokens!.accessToken;
    const stolen = steal === "the provider's token" ? await providerAccessToken(gw, handle) : handle;
    const thief = uniqueEmail();
    const thiefPassword = "Thief-Chosen-Password-77";
    await direct(() => cognito.send(new UpdateUserAttributesCommand({ AccessToken: stolen, UserAttributes: [{ Name: "email", Value: thief }] })));
    // The thief reads the verification code in their own inbox.
    await direct(() => cognito.send(new VerifyUserAttributeCommand({ AccessToken: stolen, AttributeName: "email", Code: TEST_CODE })));
    const associated = await direct(() => cognito.send(new AssociateSoftwareTokenCommand({ AccessToken: stolen })));
    const thiefSecret = associated?.SecretCode;
    if (thiefSecret) await direct(async () => cognito.send(new VerifySoftwareTokenCommand({ AccessToken: stolen, UserCode: await freshCode(thiefSecret) })));

    // The recovery channel now answers to the thief: a reset through the gateway sets the thief's password,
    // and the thief's authenticator answers the gateway's second-factor challenge.
    await gw.run(ForgotPasswordDocument, { email: thief });
    const reset = await gw.run(ConfirmForgotPasswordDocument, { email: thief, code: TEST_CODE, newPassword: thiefPassword });
    const login = await gw.run(LoginDocument, { email: thief, password: thiefPassword });
    const session = login.data?.login.challenge?.session;
    const signedIn = session && thiefSecret ? (await gw.run(RespondToMfaDocument, { session, code: await freshCode(thiefSecret) })).data?.respondToMfa.tokens : undefined;

    return { resetAccepted: accepted(reset), loginAccepted: accepted(login), thiefHasTokens: Boolean(signedIn?.accessToken) };
  };

  it("with a leaked provider token, still cannot take the account over: the thief's authenticator opens no session", async () => {
    // The second factor is checked against the secret the owner enrolled through the gateway, so the thief's
    // authenticator (associated at the provider with the token alone) opens no session.
    expect((await takeoverAttempt("the provider's token")).thiefHasTokens).toBe(false);
  });

  it("cannot move the recovery channel behind the gateway's back (the reset and the password sign-in are refused)", async () => {
    expect(await takeoverAttempt("the client's handle")).toEqual({ resetAccepted: false, loginAccepted: false, thiefHasTokens: false });
  });

  it("cannot replace the owner's authenticator without the password and a current code", async () => {
    const owner = await enrolledUser(gw);
    const stolen = (await loginWithMfa(gw, owner)).tokens!.accessToken;
    const associated = await direct(() => cognito.send(new AssociateSoftwareTokenCommand({ AccessToken: stolen })));
    const thiefSecret = associated?.SecretCode;
    if (thiefSecret) await direct(async () => cognito.send(new VerifySoftwareTokenCommand({ AccessToken: stolen, UserCode: await freshCode(thiefSecret) })));

    // The owner's own authenticator must still be the one that signs in; the thief's must not.
    const session = dataOf(await gw.run(LoginDocument, { email: owner.email, password: "Correct-Horse-Battery-9" })).login.challenge!.session;
    const withThiefsCode = thiefSecret ? await gw.run(RespondToMfaDocument, { session, code: await freshCode(thiefSecret) }) : undefined;
    expect(withThiefsCode === undefined || !accepted(withThiefsCode)).toBe(true);
    expect((await loginWithMfa(gw, owner)).tokens?.accessToken).toBeTruthy();
  });

  it("with a leaked provider token, cannot answer the gateway's own step-up with a secret it had the provider associate", async () => {
    const owner = await enrolledUser(gw);
    const stolen = await providerAccessToken(gw, (await loginWithMfa(gw, owner)).tokens!.accessToken);
    // Only AssociateSoftwareToken: the gateway's step-up check (VerifySoftwareToken) checks the pending secret.
    const thiefSecret = (await direct(() => cognito.send(new AssociateSoftwareTokenCommand({ AccessToken: stolen }))))?.SecretCode;

    const codes = thiefSecret ? await gw.run(GenerateRecoveryCodesDocument, { code: await freshCode(thiefSecret) }, { token: stolen }) : undefined;
    const thiefKey = new SoftAuthenticator({ origin: "http://localhost:4000" });
    const registration = thiefSecret ? await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(thiefSecret) }, { token: stolen }) : undefined;
    const options = registration?.data?.beginPasskeyRegistration;
    if (options) await gw.run(CompletePasskeyRegistrationDocument, { response: thiefKey.register(options), nickname: "Owner's phone" }, { token: stolen });
    // The thief's own passkey would sign in alone, for good: no password, no phone.
    const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
    const thiefLogin = await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: thiefKey.assert(begun.options) });
    const thiefToken = thiefLogin.data?.completePasskeyLogin.tokens?.accessToken;
    const thiefIsOwner = thiefToken ? dataOf(await gw.run(MeDocument, {}, { token: thiefToken })).me.email === owner.email : false;

    expect({ recoveryCodes: codes !== undefined && accepted(codes), passkeyAdded: Boolean(options), thiefIsOwner }).toEqual({ recoveryCodes: false, passkeyAdded: false, thiefIsOwner: false });
  });

  it("with a leaked provider token, cannot re-enrol through resetMfa with the password and a code of a secret it had the provider associate", async () => {
    // A phishing proxy captured the password and a provider token; the thief's own secret is associated at Cognito.
    const owner = await enrolledUser(gw);
    const stolen = await providerAccessToken(gw, (await loginWithMfa(gw, owner)).tokens!.accessToken);
    const associated = await direct(() => cognito.send(new AssociateSoftwareTokenCommand({ AccessToken: stolen })));
    const thiefSecret = associated!.SecretCode!;
    await direct(async () => cognito.send(new VerifySoftwareTokenCommand({ AccessToken: stolen, UserCode: await freshCode(thiefSecret) })));
    const reset = await gw.run(ResetMfaDocument, { currentPassword: PASSWORD, code: await freshCode(thiefSecret) }, { token: stolen });
    expect(reset.errors?.[0]?.extensions.code).toBe("CODE_MISMATCH");
  });
});

describe("ATTACK: what a client holds is refused by the identity provider's public API", () => {
  const { clientId } = testCognito();
  /** Each self-service call the thief would make with an access token; undefined = refused. */
  const selfService = (accessToken: string) => ({
    GetUser: () => direct(() => cognito.send(new GetUserCommand({ AccessToken: accessToken }))),
    UpdateUserAttributes: () => direct(() => cognito.send(new UpdateUserAttributesCommand({ AccessToken: accessToken, UserAttributes: [{ Name: "given_name", Value: "Ada" }] }))),
    AssociateSoftwareToken: () => direct(() => cognito.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }))),
  });
  const refresh = (refreshToken: string) => direct(() => cognito.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: refreshToken } })));

  it.each(["GetUser", "UpdateUserAttributes", "AssociateSoftwareToken"] as const)("refuses the access handle at %s (the provider token behind it is accepted: the control)", async (call) => {
    const owner = await enrolledUser(gw);
    const handle = owner.accessToken;
    expect(handle).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await selfService(handle)[call]()).toBeUndefined();
    expect(await selfService(await providerAccessToken(gw, handle))[call]()).toBeDefined();
  });

  it("refuses the refresh handle at InitiateAuth REFRESH_TOKEN_AUTH (the provider refresh token behind it is accepted: the control)", async () => {
    const owner = await enrolledUser(gw);
    const handle = (await loginWithMfa(gw, owner)).tokens!.refreshToken!;
    expect(handle).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await refresh(handle)).toBeUndefined();
    const provider = await gw.services.heldTokens.refreshToken(handle);
    expect((await refresh(provider!))?.AuthenticationResult?.AccessToken).toBeTruthy();
  });
});

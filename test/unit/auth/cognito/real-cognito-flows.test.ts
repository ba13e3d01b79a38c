import { createHmac, randomUUID } from "node:crypto";
import {
  AssociateSoftwareTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { authenticator } from "otplib";
import { unsigned } from "../../../support/jwt";
import { mockedCognitoServices } from "../../../support/mocked-cognito";

const clientId = "realclient";
const clientSecret = "client-secret-value";
const email = "patient@example.test";
const sub = "7d9c1b6e-0000-4000-8000-000000000001";
const meta = { requestId: "req-1", ip: "127.0.0.1", userAgent: "jest" };

/** The gateway decodes (does not verify) tokens it receives from Cognito itself; the signature is a stand-in. */
const accessToken = (originJti: string = randomUUID()) =>
  unsigned({ header: {}, payload: { sub, jti: randomUUID(), origin_jti: originJti, exp: Math.floor(Date.now() / 1000) + 900, client_id: clientId, token_use: "access" } }) + "c2ln";
const tokens = (originJti?: string) => ({ AccessToken: accessToken(originJti), IdToken: "id.token.value", RefreshToken: "opaque-refresh-token", ExpiresIn: 900, TokenType: "Bearer" });
const profile = { Username: sub, UserAttributes: [{ Name: "sub", Value: sub }, { Name: "email", Value: email }, { Name: "email_verified", Value: "true" }], UserMFASettingList: ["SOFTWARE_TOKEN_MFA"] };

const secretHash = (username: string) => createHmac("sha256", clientSecret).update(username + clientId).digest("base64");

const setup = () => mockedCognitoServices({ clientId, clientSecret });
/** A real code of the secret the mocked Cognito hands out (the gateway checks it against that secret too). */
const codeAt = (clock: { now(): number }, steps = 0) => authenticator.clone({ epoch: clock.now() + steps * 30_000 }).generate("JBSWY3DPEHPK3PXP");

describe("against real Cognito (pool MFA ON), mocked with aws-sdk-client-mock", () => {
  it("runs Cognito's own MFA_SETUP challenge with session-based enrolment and never exposes its session", async () => {
    const { cognito, auth, mfa, clock } = setup();
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: "MFA_SETUP", Session: "cognito-session-1", ChallengeParameters: { USER_ID_FOR_SRP: sub } });
    cognito.on(AssociateSoftwareTokenCommand).resolves({ SecretCode: "JBSWY3DPEHPK3PXP", Session: "cognito-session-2" });
    cognito.on(VerifySoftwareTokenCommand).resolves({ Status: "SUCCESS", Session: "cognito-session-3" });
    cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: tokens() });
    cognito.on(SetUserMFAPreferenceCommand).resolves({});
    cognito.on(GetUserCommand).resolves(profile);

    const login = await auth.login(email, "Password-123456!", meta);
    expect(login.challenge?.name).toBe("MFA_SETUP");
    const setupStep = await mfa.beginMfaSetup(login.challenge!.session, meta);
    expect(setupStep.secret).toBe("JBSWY3DPEHPK3PXP");
    const code = codeAt(clock);
    const done = await mfa.completeMfaSetup(setupStep.session, code, meta);
    expect(done.tokens?.accessToken).toBeTruthy();

    expect(cognito.commandCalls(AssociateSoftwareTokenCommand)[0]?.args[0].input).toEqual({ Session: "cognito-session-1" });
    expect(cognito.commandCalls(VerifySoftwareTokenCommand)[0]?.args[0].input).toMatchObject({ Session: "cognito-session-2", UserCode: code });
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0]?.args[0].input).toEqual({
      ClientId: clientId,
      ChallengeName: "MFA_SETUP",
      Session: "cognito-session-3",
      ChallengeResponses: { USERNAME: sub, SECRET_HASH: secretHash(sub) },
    });
    for (const visible of [login.challenge!.session, setupStep.session]) expect(visible).not.toMatch(/cognito-session/);
  });

  it("sends SECRET_HASH over the email at login and over the sub on refresh", async () => {
    const { cognito, auth } = setup();
    const origin = randomUUID();
    cognito.on(InitiateAuthCommand, { AuthFlow: "USER_PASSWORD_AUTH" }).resolves({ ChallengeName: "SOFTWARE_TOKEN_MFA", Session: "s", ChallengeParameters: { USER_ID_FOR_SRP: sub } });
    cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: tokens(origin) });
    cognito.on(GetUserCommand).resolves(profile);
    cognito.on(InitiateAuthCommand, { AuthFlow: "REFRESH_TOKEN_AUTH" }).resolves({ AuthenticationResult: { ...tokens(origin), RefreshToken: undefined } });

    const login = await auth.login(email, "Password-123456!", meta);
    const done = await auth.respondToMfa(login.challenge!.session, "654321", meta);
    const refreshed = await auth.refreshTokens(done.tokens!.refreshToken!, meta);
    expect(refreshed.tokens?.refreshToken).toBeUndefined();

    const [first, refresh] = cognito.commandCalls(InitiateAuthCommand).map((c) => c.args[0].input);
    expect(first?.AuthParameters).toMatchObject({ USERNAME: email, SECRET_HASH: secretHash(email) });
    expect(refresh?.AuthParameters).toEqual({ REFRESH_TOKEN: "opaque-refresh-token", SECRET_HASH: secretHash(sub) });
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0]?.args[0].input.ChallengeResponses).toEqual({ USERNAME: sub, SOFTWARE_TOKEN_MFA_CODE: "654321", SECRET_HASH: secretHash(sub) });
  });

  it("answers a disabled user (NotAuthorized at Cognito) with the same INVALID_CREDENTIALS as a wrong password", async () => {
    const { cognito, auth, sink } = setup();
    cognito.on(InitiateAuthCommand).rejects(Object.assign(new Error("User is disabled."), { name: "NotAuthorizedException", $metadata: { httpStatusCode: 400 } }));
    await expect(auth.login(email, "Password-123456!", meta)).rejects.toMatchObject({ code: "INVALID_CREDENTIALS", message: "The email or password is incorrect." });
    expect(sink.records).toEqual([expect.objectContaining({ event: "LOGIN", outcome: "INTENT" }), expect.objectContaining({ event: "LOGIN", outcome: "FAILURE", reason: "INVALID_CREDENTIALS" })]);
  });

  it("gives the handle back when Cognito refuses the enrolment code", async () => {
    const { cognito, auth, mfa, clock } = setup();
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: "MFA_SETUP", Session: "s1", ChallengeParameters: { USER_ID_FOR_SRP: sub } });
    cognito.on(AssociateSoftwareTokenCommand).resolves({ SecretCode: "JBSWY3DPEHPK3PXP", Session: "s2" });
    cognito.on(VerifySoftwareTokenCommand).rejectsOnce(Object.assign(new Error("Code mismatch"), { name: "EnableSoftwareTokenMFAException", $metadata: { httpStatusCode: 400 } })).resolves({ Status: "SUCCESS", Session: "s3" });
    cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: tokens() });
    cognito.on(SetUserMFAPreferenceCommand).resolves({});
    cognito.on(GetUserCommand).resolves(profile);

    const login = await auth.login(email, "Password-123456!", meta);
    const step = await mfa.beginMfaSetup(login.challenge!.session, meta);
    // A code of the secret handed out, refused by Cognito: the handle comes back; a code of another secret never reaches Cognito.
    await expect(mfa.completeMfaSetup(step.session, authenticator.clone({ epoch: clock.now() }).generate("GEZDGNBVGY3TQOJQ"), meta)).rejects.toMatchObject({ code: "CODE_MISMATCH" });
    expect(cognito.commandCalls(VerifySoftwareTokenCommand)).toHaveLength(0);
    await expect(mfa.completeMfaSetup(step.session, codeAt(clock), meta)).rejects.toMatchObject({ code: "CODE_MISMATCH" });
    expect((await mfa.completeMfaSetup(step.session, codeAt(clock, 1), meta)).tokens).toBeTruthy();
  });

  it("masks UsernameExistsException on sign-up (real Cognito reveals it even with PreventUserExistenceErrors)", async () => {
    const { cognito, auth } = setup();
    cognito.on(SignUpCommand).rejects(Object.assign(new Error("User already exists"), { name: "UsernameExistsException", $metadata: { httpStatusCode: 400 } }));
    await expect(auth.register({ email, password: "Password-123456!" }, meta)).resolves.toBeUndefined();
    expect(cognito.commandCalls(SignUpCommand)[0]?.args[0].input.SecretHash).toBe(secretHash(email));
  });
});

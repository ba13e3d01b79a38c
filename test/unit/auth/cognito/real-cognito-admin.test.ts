import { randomUUID } from "node:crypto";
import {
  AdminSetUserMFAPreferenceCommand,
  AdminUserGlobalSignOutCommand,
  ConfirmForgotPasswordCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import type { Identity } from "../../../../src/auth/identity";
import { hostOperator } from "../../../../src/auth/admin-service";
import { unsigned } from "../../../support/jwt";
import { mockedCognitoServices } from "../../../support/mocked-cognito";

const clientId = "realclient";
const userPoolId = "eu-west-1_Pool";
const email = "patient@example.test";
const sub = "7d9c1b6e-0000-4000-8000-000000000002";
const meta = { requestId: "req-1", ip: "127.0.0.1", userAgent: "jest" };
const accessToken = () => unsigned({ header: {}, payload: { sub, jti: randomUUID(), origin_jti: randomUUID(), exp: Math.floor(Date.now() / 1000) + 900, client_id: clientId } }) + "c2ln";
const tokens = () => ({ AccessToken: accessToken(), IdToken: "id", RefreshToken: "refresh", ExpiresIn: 900, TokenType: "Bearer" });
const profile = { Username: sub, UserAttributes: [{ Name: "sub", Value: sub }, { Name: "email", Value: email }], UserMFASettingList: ["SOFTWARE_TOKEN_MFA"] };
const adminIdentity = { sub: "admin-sub", sessionId: "admin-session" } as Identity;

const setup = (emulator = false) => mockedCognitoServices({ clientId, userPoolId, emulator });

/** A user signed in through the gateway (so it knows their sessions), against the mocked pool. */
const signIn = async ({ cognito, services }: ReturnType<typeof setup>) => {
  cognito.on(InitiateAuthCommand).resolves({ ChallengeName: "SOFTWARE_TOKEN_MFA", Session: "s", ChallengeParameters: { USER_ID_FOR_SRP: sub } });
  cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: tokens() });
  cognito.on(GetUserCommand).resolves(profile);
  const login = await services.auth.login(email, "Password-123456!", meta);
  return services.auth.respondToMfa(login.challenge!.session, String(100000 + Math.floor(Math.random() * 899999)), meta);
};

describe("administration against real Cognito (mocked)", () => {
  it("adminResetMfa clears the TOTP device with AdminSetUserMFAPreference", async () => {
    const { cognito, services } = setup();
    cognito.on(AdminSetUserMFAPreferenceCommand).resolves({});
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    await services.admin.resetMfa(adminIdentity, sub, meta, hostOperator);
    expect(cognito.commandCalls(AdminSetUserMFAPreferenceCommand)[0]?.args[0].input).toEqual({ UserPoolId: userPoolId, Username: sub, SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false } });
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)[0]?.args[0].input).toEqual({ UserPoolId: userPoolId, Username: sub });
  });

  it("adminGlobalSignOut signs out at Cognito and ends the gateway sessions", async () => {
    const world = setup();
    const { cognito, services } = world;
    await signIn(world);
    cognito.on(AdminGetUserCommand).resolves({ Username: sub, UserAttributes: profile.UserAttributes });
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [] });
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    expect(await services.sessions.list(sub)).toHaveLength(1);
    await services.admin.globalSignOut(adminIdentity, sub, meta);
    expect(await services.sessions.list(sub)).toEqual([]);
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)).toHaveLength(1);
  });

  it("a password reset signs the account out at Cognito too", async () => {
    const world = setup();
    const { cognito, services } = world;
    await signIn(world);
    cognito.on(AdminGetUserCommand).resolves({ Username: sub, UserAttributes: profile.UserAttributes });
    cognito.on(ConfirmForgotPasswordCommand).resolves({});
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    await services.account.confirmForgotPassword(email, "123456", "New-Strong-Passw0rd", meta);
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)[0]?.args[0].input.Username).toBe(sub);
    expect(await services.sessions.list(sub)).toEqual([]);
  });

  it("logoutEverywhere calls GlobalSignOut with the caller's token", async () => {
    const world = setup();
    const { cognito, services } = world;
    const done = await signIn(world);
    cognito.on(GlobalSignOutCommand).resolves({});
    const identity = { sub, sessionId: "x" } as Identity;
    await services.account.logoutEverywhere({ identity, accessToken: done.tokens!.accessToken }, meta);
    expect(cognito.commandCalls(GlobalSignOutCommand)[0]?.args[0].input).toEqual({ AccessToken: done.tokens!.accessToken });
  });

  it("pages users with opaque cursors and escapes the email filter", async () => {
    const { cognito, services } = setup();
    cognito.on(ListUsersCommand).resolves({ Users: [{ Username: sub, Attributes: profile.UserAttributes, Enabled: true, UserStatus: "CONFIRMED" }], PaginationToken: "cognito/page+2=" });
    const first = await services.admin.users(adminIdentity, { emailPrefix: 'a"b\\c', first: 1, after: undefined }, meta);
    expect(first.endCursor).toBeDefined();
    expect(first.endCursor).not.toContain("cognito");
    await services.admin.users(adminIdentity, { emailPrefix: undefined, first: 1, after: first.endCursor }, meta);
    const [call1, call2] = cognito.commandCalls(ListUsersCommand).map((c) => c.args[0].input);
    expect(call1).toEqual({ UserPoolId: userPoolId, Limit: 1, PaginationToken: undefined, Filter: 'email ^= "a\\"b\\\\c"' });
    expect(call2?.PaginationToken).toBe("cognito/page+2=");
  });

  it("after NEW_PASSWORD_REQUIRED, real Cognito's own MFA_SETUP challenge follows", async () => {
    const { cognito, services } = setup();
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: "NEW_PASSWORD_REQUIRED", Session: "c1", ChallengeParameters: { USER_ID_FOR_SRP: sub } });
    cognito.on(RespondToAuthChallengeCommand).resolves({ ChallengeName: "MFA_SETUP", Session: "c2", ChallengeParameters: { USER_ID_FOR_SRP: sub } });
    const login = await services.auth.login(email, "Temp-Password-1", meta);
    expect(login.challenge?.name).toBe("NEW_PASSWORD_REQUIRED");
    const next = await services.auth.completeNewPassword(login.challenge!.session, "New-Strong-Passw0rd", meta);
    expect(next.challenge?.name).toBe("MFA_SETUP");
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0]?.args[0].input).toMatchObject({ ChallengeName: "NEW_PASSWORD_REQUIRED", Session: "c1", ChallengeResponses: { USERNAME: sub, NEW_PASSWORD: "New-Strong-Passw0rd" } });
  });

  it("on the emulator, skips the calls cognito-local does not support", async () => {
    const { cognito, services } = setup(true);
    await services.admin.resetMfa(adminIdentity, sub, meta, hostOperator);
    expect(cognito.calls()).toHaveLength(0);
  });
});

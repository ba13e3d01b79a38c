import { CognitoIdentityProviderClient, InitiateAuthCommand, RespondToAuthChallengeCommand } from "@aws-sdk/client-cognito-identity-provider";
import {
  AdminAddUserToGroupDocument,
  AdminDisableUserDocument,
  AdminResetMfaDocument,
  ChangePasswordDocument,
  ConfirmEmailChangeDocument,
  LogoutDocument,
  MeDocument,
  RefreshTokensDocument,
  RequestEmailChangeDocument,
  UndoEmailChangeDocument,
} from "../generated/graphql";
import { dataOf, errorOf, type GraphQLResponse } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { TEST_CODE, testCognito } from "../setup/test-cognito";
import { adminUser, codesUsed, enrolledUser, freshCode, loginWithMfa, PASSWORD, providerAccessToken, testCognitoClient, uniqueEmail, type EnrolledUser } from "../support/users";

/**
 * h7 (black box, 2026-12-07), what held against the day's changes (opaque handles, admin step-up, the login
 * machine, Schema 1.0 inputs), kept as regression tests beside client-token-handles and admin-step-up.
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

const me = (token: string) => gw.run(MeDocument, {}, { token });
const refusal = (r: GraphQLResponse<unknown>) => r.errors?.[0]?.extensions.code;
const victim = async () => {
  const user = await enrolledUser(gw);
  return { ...user, sub: dataOf(await me(user.accessToken)).me.sub };
};
const directLogin = async (user: EnrolledUser) => {
  const { clientId } = testCognito();
  const init = await cognito.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: user.email, PASSWORD } }));
  const answer = await cognito.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: init.ChallengeName!, Session: init.Session!, ChallengeResponses: { USERNAME: user.email, SOFTWARE_TOKEN_MFA_CODE: await freshCode(user.secret) } }));
  return answer.AuthenticationResult!;
};

describe("ATTACK (h7): handles and the tokens behind them", () => {
  it("`tokens` and `result` selected together carry the same handles", async () => {
    const user = await enrolledUser(gw);
    const r = await gw.run<{ refreshTokens: { tokens: { accessToken: string }; result: { accessToken: string } } }, { r: string }>(
      `mutation($r:String!){ refreshTokens(refreshToken:$r){ tokens{ accessToken } result{ ... on AuthTokens { accessToken } } } }`,
      { r: user.refreshToken },
    );
    const { tokens, result } = dataOf(r).refreshTokens;
    expect(result.accessToken).toBe(tokens.accessToken);
  });

  it("the idToken is no bearer: TOKEN_INVALID, for one handed out by the gateway and one from Cognito directly", async () => {
    const user = await enrolledUser(gw);
    const tokens = (await loginWithMfa(gw, user)).tokens!;
    expect(errorOf(await me(tokens.idToken)).extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
    expect(errorOf(await me((await directLogin(user)).IdToken!)).extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
  });

  it("a Cognito access or refresh token issued outside the gateway (direct login) opens nothing", async () => {
    const direct = await directLogin(await enrolledUser(gw));
    expect(errorOf(await me(direct.AccessToken!)).extensions.reason).toBe("TOKEN_REVOKED");
    expect(refusal(await gw.run(RefreshTokensDocument, { refreshToken: direct.RefreshToken! }))).toBe("UNAUTHENTICATED");
  });

  it.each(["changePassword", "adminResetMfa", "undoEmailChange"] as const)("after %s: the session's handles and the provider JWT behind them are refused", async (end) => {
    const user = await victim();
    const session = (await loginWithMfa(gw, user)).tokens!;
    const jwt = await providerAccessToken(gw, session.accessToken);
    if (end === "changePassword") dataOf(await gw.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: "Another-Horse-Battery-77", code: await freshCode(user.secret) }, { token: user.accessToken }));
    if (end === "adminResetMfa") {
      const admin = await adminUser(gw);
      dataOf(await gw.run(AdminResetMfaDocument, { userId: user.sub, code: await freshCode(admin.secret) }, { token: admin.accessToken }));
    }
    if (end === "undoEmailChange") {
      dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: uniqueEmail(), code: await freshCode(user.secret) }, { token: user.accessToken }));
      dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: user.accessToken }));
      dataOf(await gw.run(UndoEmailChangeDocument, { token: mail.to(user.email, "EMAIL_CHANGED")[0]!.undoToken! }));
    }
    for (const token of [session.accessToken, jwt]) expect(errorOf(await me(token)).extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
    expect(refusal(await gw.run(RefreshTokensDocument, { refreshToken: session.refreshToken! }))).toBe("UNAUTHENTICATED");
  });

  it.each(["logout", "adminDisableUser"] as const)("refreshes racing %s mint no handle that outlives it", async (end) => {
    const admin = end === "adminDisableUser" ? await adminUser(gw) : undefined;
    const user = await victim();
    const session = (await loginWithMfa(gw, user)).tokens!;
    const ender = (): Promise<GraphQLResponse<unknown>> =>
      end === "logout" ? gw.run(LogoutDocument, { refreshToken: session.refreshToken! }, { token: session.accessToken }) : gw.run(AdminDisableUserDocument, { userId: user.sub }, { token: admin!.accessToken });
    const refreshes = Array.from({ length: 15 }, (_, i) => new Promise((resolve) => setTimeout(resolve, i)).then(() => gw.run(RefreshTokensDocument, { refreshToken: session.refreshToken! })));
    const [ended, ...answers] = await Promise.all([new Promise((resolve) => setTimeout(resolve, 3)).then(ender), ...refreshes]);
    expect(ended.errors).toBeUndefined();
    const minted = answers.map((a) => a.data?.refreshTokens.tokens?.accessToken).filter((h): h is string => Boolean(h));
    for (const handle of minted) expect(refusal(await me(handle))).toBe("UNAUTHENTICATED");
  });

  it("odd Authorization headers are typed refusals (401 TOKEN_INVALID), never a 500", async () => {
    for (const value of ["Bearer", "Basic abc", "Bearer x,Bearer y", "Bearer a.b.c", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", `Bearer ${"A".repeat(16_000)}`, `Bearer eyJhbGciOiJSUzI1NiJ9.${"A".repeat(12_000)}.AAAA`]) {
      const r = await fetch(gw.url, { method: "POST", headers: { "content-type": "application/json", authorization: value }, body: JSON.stringify({ query: "{ me { email } }" }) });
      expect({ status: r.status, ...((await r.json()) as { errors: { extensions: object }[] }).errors[0]!.extensions }).toEqual({ status: 401, code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
    }
  });
});

describe("ATTACK (h7): admin step-up and Schema 1.0 inputs", () => {
  let admin: EnrolledUser & { sub: string };
  beforeAll(async () => {
    admin = await adminUser(gw);
  });

  it("another administrator's fresh code, and the code this administrator signed in with, grant nothing", async () => {
    const other = await adminUser(gw);
    const target = await victim();
    const signInCode = codesUsed(admin.secret).at(-1)!;
    for (const code of [await freshCode(other.secret), signInCode]) {
      expect(refusal(await gw.run(AdminAddUserToGroupDocument, { userId: target.sub, group: "ADMIN", code }, { token: admin.accessToken }))).toBe("CODE_MISMATCH");
    }
    expect(gw.audit.records.filter((r) => r.event === "ADMIN_ADD_TO_GROUP" && r.subject === target.sub).map((r) => r.outcome)).not.toContain("SUCCESS");
  });

  it("DateTime filters: impossible or out-of-range dates are BAD_USER_INPUT, extreme valid ones answer", async () => {
    const q = `query($f:AuditEventFilter){ auditEvents(filter:$f, first: 5){ nodes { event } } }`;
    for (const f of [{ fromTime: "2020-02-30T00:00:00Z" }, { fromTime: "+275760-09-13T00:00:00Z" }, { fromTime: "9999999-01-01T00:00:00Z" }, { fromTime: "2020-01-01" }, { fromTime: "2020-01-01T25:00:00Z" }, { fromTime: 1e20 }, { from: "garbage" }, { from: "2020-01-01T00:00:00Z", fromTime: "2021-01-01T00:00:00Z" }]) {
      const r = await gw.run(q, { f }, { token: admin.accessToken });
      expect({ status: r.status, code: refusal(r) }).toEqual({ status: 400, code: "BAD_USER_INPUT" });
    }
    for (const f of [{ toTime: "0000-01-01T00:00:00Z" }, { fromTime: "9999-12-31T23:59:59Z" }, { fromTime: "2030-01-01T00:00:00Z", toTime: "2020-01-01T00:00:00Z" }]) {
      expect(dataOf(await gw.run<{ auditEvents: { nodes: unknown[] } }, { f: object }>(q, { f }, { token: admin.accessToken })).auditEvents.nodes).toEqual([]);
    }
  });
});

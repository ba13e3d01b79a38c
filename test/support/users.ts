import { randomUUID } from "node:crypto";
import { AdminAddUserToGroupCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { localCredentials } from "../../src/dev/provision-local";
import { authenticator } from "otplib";
import {
  BeginMfaSetupDocument,
  CompleteMfaSetupDocument,
  ConfirmSignUpDocument,
  LoginDocument,
  MeDocument,
  RegisterDocument,
  RespondToMfaDocument,
} from "../generated/graphql";
import { TEST_CODE, testCognito } from "../setup/test-cognito";
import { dataOf } from "./graphql-client";
import { shiftTotpClock, totpAt, totpNow } from "./totp-clock";
import type { TestGateway } from "./test-gateway";

export const PASSWORD = "Correct-Horse-Battery-9";

export const uniqueEmail = (): string => `user-${randomUUID()}@example.test`;

/** The TOTP code of the step `offset` steps from now (for building wrong codes; use freshCode to log in). */
export const totp = (secret: string, offset = 0): string => totpAt(secret, offset);

const usedCodes = new Map<string, string[]>();

/** Every code freshCode handed out for this secret (so tests can look for them in logs, or replay them). */
export const codesUsed = (secret: string): readonly string[] => usedCodes.get(secret) ?? [];

/**
 * A TOTP code cognito-local accepts (it checks ±30 s) that this account has not used yet (the gateway
 * refuses a code twice). The previous step's code is only offered while more than a second of the current
 * step is left: a step boundary between making it and checking it would put it out of Cognito's window.
 * When all three codes of the window are spent, cognito-local's clock for this secret moves one step on
 * (totp-clock.ts) instead of the test waiting up to 30 s for it: exactly as after the wait, one new code
 * enters the window and the codes handed out but not yet used stay valid (all but the oldest). The
 * gateway's replay record is still what refuses a code used twice.
 */
export const freshCode = async (secret: string): Promise<string> => {
  for (;;) {
    const now = totpNow(secret);
    const leftInStep = 30_000 - (now % 30_000);
    const used = usedCodes.get(secret) ?? [];
    for (const offset of leftInStep > 1000 ? [-1, 0, 1] : [0, 1]) {
      const code = authenticator.clone({ epoch: now + offset * 30_000 }).generate(secret);
      if (!used.includes(code)) {
        usedCodes.set(secret, [...used, code]);
        return code;
      }
    }
    await shiftTotpClock(secret, 30_000);
  }
};

export const registerConfirmed = async (gw: Pick<TestGateway, "run">, email = uniqueEmail()): Promise<string> => {
  dataOf(await gw.run(RegisterDocument, { input: { email, password: PASSWORD, givenName: "Ada", familyName: "Lovelace" } }));
  dataOf(await gw.run(ConfirmSignUpDocument, { email, code: TEST_CODE }));
  return email;
};

export type EnrolledUser = { email: string; secret: string; accessToken: string; refreshToken: string; enrolmentCode: string };

/** Registered, confirmed, TOTP enrolled and logged in. */
export const enrolledUser = async (gw: Pick<TestGateway, "run">): Promise<EnrolledUser> => {
  const email = await registerConfirmed(gw);
  const login = dataOf(await gw.run(LoginDocument, { email, password: PASSWORD })).login;
  const setup = dataOf(await gw.run(BeginMfaSetupDocument, { session: login.challenge!.session })).beginMfaSetup;
  const enrolmentCode = await freshCode(setup.secret);
  const done = dataOf(await gw.run(CompleteMfaSetupDocument, { session: setup.session, code: enrolmentCode })).completeMfaSetup;
  return { email, secret: setup.secret, accessToken: done.tokens!.accessToken, refreshToken: done.tokens!.refreshToken!, enrolmentCode };
};

/** A second login for an enrolled user, answering the SOFTWARE_TOKEN_MFA challenge. */
export const loginWithMfa = async (gw: Pick<TestGateway, "run">, user: Pick<EnrolledUser, "email" | "secret">) => {
  const login = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login;
  return dataOf(await gw.run(RespondToMfaDocument, { session: login.challenge!.session, code: await freshCode(user.secret) })).respondToMfa;
};

/** A client of the run's cognito-local, as the provider's public endpoint (or an operator's console) is reached. */
export const testCognitoClient = (): CognitoIdentityProviderClient => new CognitoIdentityProviderClient({ endpoint: testCognito().endpoint, region: "local", credentials: localCredentials });

/** Makes a user an administrator directly in cognito-local (as an operator would in the console). */
export const grantGroup = async (sub: string, group: "admin" | "provider" | "patient"): Promise<void> => {
  const cognito = testCognito();
  const client = testCognitoClient();
  try {
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId: cognito.userPoolId, Username: sub, GroupName: group }));
  } finally {
    client.destroy();
  }
};

/** An enrolled user in group `admin`, signed in again so the token carries the group. */
export const adminUser = async (gw: TestGateway): Promise<EnrolledUser & { sub: string }> => {
  const user = await enrolledUser(gw);
  const sub = dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
  await grantGroup(sub, "admin");
  const tokens = (await loginWithMfa(gw, user)).tokens!;
  return { ...user, sub, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken! };
};

/**
 * The provider's access token a gateway handle stands for, opened as the gateway does: tests that forge
 * tokens from real claims, or act at the provider as the gateway itself would, start from it.
 */
export const providerAccessToken = (gw: Pick<TestGateway, "services">, handle: string): Promise<string> => gw.services.heldTokens.accessToken(handle);

/** The administrator's fresh factor for an action that grants or gives back access (adminAddUserToGroup, adminResetMfa…). */
export const adminStepUp = async (admin: Pick<EnrolledUser, "secret">): Promise<{ code: string }> => ({ code: await freshCode(admin.secret) });

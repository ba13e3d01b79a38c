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
import type { TestGateway } from "./test-gateway";

export const PASSWORD = "Correct-Horse-Battery-9";

export const uniqueEmail = (): string => `user-${randomUUID()}@example.test`;

/**
 * A TOTP code for the step `offset` steps from now. Cognito accepts ±1 step and the gateway refuses a
 * code twice, so a test that needs several codes for one user takes them from different steps.
 */
export const totp = (secret: string, offset = 0): string => {
  const generator = authenticator.clone({ epoch: Date.now() + offset * 30_000 });
  return generator.generate(secret);
};

export const registerConfirmed = async (gw: TestGateway, email = uniqueEmail()): Promise<string> => {
  dataOf(await gw.run(RegisterDocument, { input: { email, password: PASSWORD, givenName: "Ada", familyName: "Lovelace" } }));
  dataOf(await gw.run(ConfirmSignUpDocument, { email, code: TEST_CODE }));
  return email;
};

export type EnrolledUser = { email: string; secret: string; accessToken: string; refreshToken: string };

/** Registered, confirmed, TOTP enrolled, logged in (with the step -1 code, leaving 0 and +1 free). */
export const enrolledUser = async (gw: TestGateway): Promise<EnrolledUser> => {
  const email = await registerConfirmed(gw);
  const login = dataOf(await gw.run(LoginDocument, { email, password: PASSWORD })).login;
  const setup = dataOf(await gw.run(BeginMfaSetupDocument, { session: login.challenge!.session })).beginMfaSetup;
  const done = dataOf(await gw.run(CompleteMfaSetupDocument, { session: setup.session, code: totp(setup.secret, -1) })).completeMfaSetup;
  return { email, secret: setup.secret, accessToken: done.tokens!.accessToken, refreshToken: done.tokens!.refreshToken! };
};

/** A second login for an enrolled user, answering the SOFTWARE_TOKEN_MFA challenge. */
export const loginWithMfa = async (gw: TestGateway, user: Pick<EnrolledUser, "email" | "secret">, offset = 0) => {
  const login = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login;
  return dataOf(await gw.run(RespondToMfaDocument, { session: login.challenge!.session, code: totp(user.secret, offset) })).respondToMfa;
};

/** Makes a user an administrator directly in cognito-local (as an operator would in the console). */
export const grantGroup = async (sub: string, group: "admin" | "provider" | "patient"): Promise<void> => {
  const cognito = testCognito();
  const client = new CognitoIdentityProviderClient({ endpoint: cognito.endpoint, region: "local", credentials: localCredentials });
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

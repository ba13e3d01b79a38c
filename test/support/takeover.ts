import { AdminGetUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import { BeginPasskeyRegistrationDocument, CompletePasskeyRegistrationDocument, ConfirmEmailChangeDocument, RequestEmailChangeDocument } from "../generated/graphql";
import { TEST_CODE, testCognito } from "../setup/test-cognito";
import { dataOf } from "./graphql-client";
import type { NoticeCapture } from "./notice-capture";
import { SoftAuthenticator } from "./soft-authenticator";
import type { TestGateway } from "./test-gateway";
import { freshCode, testCognitoClient, uniqueEmail, type EnrolledUser } from "./users";

/**
 * A thief's usual first steps with the owner's stolen access token and two phished codes: the email moved to the
 * thief's inbox (confirmed), then a passkey of the thief's that signs in alone. Returns the thief's address and
 * passkey, and the owner's undo token (from the notice to the old address).
 */
export const thiefMovesEmailAndAddsPasskey = async (gw: TestGateway, owner: EnrolledUser, mail: NoticeCapture) => {
  const stolen = { token: owner.accessToken };
  const thiefs = uniqueEmail();
  dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: thiefs, code: await freshCode(owner.secret) }, stolen));
  dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, stolen));
  const thiefsKey = new SoftAuthenticator({ origin: "http://localhost:4000" });
  const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(owner.secret) }, stolen)).beginPasskeyRegistration;
  dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: thiefsKey.register(options), nickname: "Phone" }, stolen));
  return { thiefs, thiefsKey, undoToken: mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken! };
};

/** The account's address at the provider (what a reset code goes to), whatever the gateway's copy says. */
export const providerEmailOf = async (sub: string): Promise<string | undefined> => {
  const client = testCognitoClient();
  try {
    const user = await client.send(new AdminGetUserCommand({ UserPoolId: testCognito().userPoolId, Username: sub }));
    return user.UserAttributes?.find((a) => a.Name === "email")?.Value;
  } finally {
    client.destroy();
  }
};

/**
 * The three Cognito custom-auth trigger events, as far as these handlers read or write them. The shapes and
 * names follow @types/aws-lambda (trigger/cognito-user-pool-trigger/*) and the Cognito developer guide; kept
 * here so the handlers need no dependency beyond node:crypto.
 */
type StringMap = Record<string, string>;

type BaseTriggerEvent<Source extends string> = {
  version: string;
  region: string;
  userPoolId: string;
  /** The pool's internal username (with email as username attribute: the same value as `sub`). */
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string };
  triggerSource: Source;
};

/** One earlier step of the sign-in (SRP_A and PASSWORD_VERIFIER appear when a client mixes in SRP). */
export type ChallengeResult = {
  challengeName: "CUSTOM_CHALLENGE" | "PASSWORD_VERIFIER" | "SMS_MFA" | "DEVICE_SRP_AUTH" | "DEVICE_PASSWORD_VERIFIER" | "ADMIN_NO_SRP_AUTH" | "SRP_A";
  challengeResult: boolean;
  challengeMetadata?: string | undefined;
};

export type DefineAuthChallengeEvent = BaseTriggerEvent<"DefineAuthChallenge_Authentication"> & {
  request: { userAttributes: StringMap; session: ChallengeResult[]; clientMetadata?: StringMap | undefined; userNotFound?: boolean | undefined };
  response: { challengeName: string; issueTokens: boolean; failAuthentication: boolean };
};

export type CreateAuthChallengeEvent = BaseTriggerEvent<"CreateAuthChallenge_Authentication"> & {
  request: { userAttributes: StringMap; challengeName: string; session: ChallengeResult[]; clientMetadata?: StringMap | undefined; userNotFound?: boolean | undefined };
  response: { publicChallengeParameters: StringMap; privateChallengeParameters: StringMap; challengeMetadata: string };
};

export type VerifyAuthChallengeResponseEvent = BaseTriggerEvent<"VerifyAuthChallengeResponse_Authentication"> & {
  request: { userAttributes: StringMap; privateChallengeParameters: StringMap; challengeAnswer: string; clientMetadata?: StringMap | undefined; userNotFound?: boolean | undefined };
  response: { answerCorrect: boolean };
};

/** What CreateAuthChallenge marks its challenge with; DefineAuthChallenge accepts no other. */
export const gatewayProofMetadata = "GATEWAY_PROOF";

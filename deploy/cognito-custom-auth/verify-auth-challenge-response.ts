import { isCustomAuthPurpose, isUsableSecret, isValidProof } from "../../src/shared/custom-auth-proof";
import type { VerifyAuthChallengeResponseEvent } from "./trigger-events";

/**
 * The secrets an answer may be made with: CUSTOM_AUTH_SECRET and, while it is being rotated,
 * CUSTOM_AUTH_PREVIOUS_SECRET. Unset or too short: no answer is ever correct (fail closed).
 */
export const secretsFromEnv = (env: NodeJS.ProcessEnv): string[] =>
  [env["CUSTOM_AUTH_SECRET"], env["CUSTOM_AUTH_PREVIOUS_SECRET"]].filter(isUsableSecret);

/**
 * VerifyAuthChallengeResponse: the answer must be HMAC-SHA256(secret, "<purpose>:<sub>:<nonce>") for the
 * nonce CreateAuthChallenge kept private, this user's sub and the purpose the gateway names in
 * ClientMetadata — compared in constant time. Who lacks the secret cannot produce it, whatever they saw.
 */
export const verifyAuthChallengeResponse = (event: VerifyAuthChallengeResponseEvent, secrets: readonly string[]): VerifyAuthChallengeResponseEvent => {
  const { request } = event;
  const purpose = request.clientMetadata?.["purpose"];
  const subject = request.userAttributes["sub"];
  const nonce = request.privateChallengeParameters["nonce"];
  const answerCorrect =
    request.userNotFound !== true &&
    isCustomAuthPurpose(purpose) &&
    subject !== undefined &&
    nonce !== undefined &&
    isValidProof(secrets, { purpose, subject, nonce }, request.challengeAnswer);
  event.response = { answerCorrect };
  return event;
};

export const handler = async (event: VerifyAuthChallengeResponseEvent): Promise<VerifyAuthChallengeResponseEvent> => {
  const secrets = secretsFromEnv(process.env);
  // The one misconfiguration worth a log line (never the secret itself): every sign-in would fail.
  if (secrets.length === 0) console.error("VerifyAuthChallengeResponse: CUSTOM_AUTH_SECRET is unset or shorter than 32 bytes; refusing every answer");
  return verifyAuthChallengeResponse(event, secrets);
};

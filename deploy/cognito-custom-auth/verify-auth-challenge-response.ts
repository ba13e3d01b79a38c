import type { KeyObject } from "node:crypto";
import { isCustomAuthPurpose, isValidProof, publicKeysFromJson } from "../../src/shared/custom-auth-proof";
import type { VerifyAuthChallengeResponseEvent } from "./trigger-events";

/**
 * The keys an answer may be signed with: CUSTOM_AUTH_PUBLIC_KEYS, a JSON array of Ed25519 SPKI PEMs (two
 * while the gateway's key is rotated). Public keys only: nothing here can make an answer. Unset, empty or
 * unusable: no answer is ever correct (fail closed). CUSTOM_AUTH_SECRET, the old shared HMAC key, is ignored.
 */
export const publicKeysFromEnv = (env: NodeJS.ProcessEnv): { keys: KeyObject[]; rejected: number } => publicKeysFromJson(env["CUSTOM_AUTH_PUBLIC_KEYS"]);

/**
 * VerifyAuthChallengeResponse: the answer must be the gateway's Ed25519 signature over the nonce
 * CreateAuthChallenge kept private, this user's sub and the purpose the gateway names in ClientMetadata.
 * Who lacks the gateway's private key cannot produce it, whatever they saw or read here.
 */
export const verifyAuthChallengeResponse = (event: VerifyAuthChallengeResponseEvent, publicKeys: readonly KeyObject[]): VerifyAuthChallengeResponseEvent => {
  const { request } = event;
  const purpose = request.clientMetadata?.["purpose"];
  const subject = request.userAttributes["sub"];
  const nonce = request.privateChallengeParameters["nonce"];
  const answerCorrect =
    request.userNotFound !== true &&
    isCustomAuthPurpose(purpose) &&
    subject !== undefined &&
    nonce !== undefined &&
    isValidProof(publicKeys, { purpose, subject, nonce }, request.challengeAnswer);
  event.response = { answerCorrect };
  return event;
};

export const handler = async (event: VerifyAuthChallengeResponseEvent): Promise<VerifyAuthChallengeResponseEvent> => {
  const { keys, rejected } = publicKeysFromEnv(process.env);
  // The misconfigurations worth a log line (never a key itself): every sign-in would fail, or a key is ignored.
  if (keys.length === 0) console.error("VerifyAuthChallengeResponse: CUSTOM_AUTH_PUBLIC_KEYS has no Ed25519 public key; refusing every answer");
  if (rejected > 0) console.error(`VerifyAuthChallengeResponse: ${rejected} entr${rejected === 1 ? "y" : "ies"} of CUSTOM_AUTH_PUBLIC_KEYS ignored (not an Ed25519 SPKI PEM in a JSON array)`);
  if (process.env["CUSTOM_AUTH_SECRET"] !== undefined) console.error("VerifyAuthChallengeResponse: CUSTOM_AUTH_SECRET is set but no longer used (HMAC answers are refused); remove it from this function");
  return verifyAuthChallengeResponse(event, keys);
};

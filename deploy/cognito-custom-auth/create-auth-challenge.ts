import { newNonce } from "../../src/shared/custom-auth-proof";
import { gatewayProofMetadata, type CreateAuthChallengeEvent } from "./trigger-events";

/**
 * CreateAuthChallenge: a fresh 256-bit nonce, public (InitiateAuth returns it to the gateway in
 * ChallengeParameters.nonce) and private (Cognito hands it to VerifyAuthChallengeResponse, never to the
 * caller's next request). The nonce is not a secret: it only makes each answer good for this one session.
 */
export const createAuthChallenge = (event: CreateAuthChallengeEvent, nonce: () => string = newNonce): CreateAuthChallengeEvent => {
  if (event.request.challengeName !== "CUSTOM_CHALLENGE") {
    // DefineAuthChallenge never asks for anything else; refuse loudly rather than issue a challenge we did not define.
    throw new Error(`CreateAuthChallenge: unexpected challenge ${event.request.challengeName}`);
  }
  const value = nonce();
  event.response = { publicChallengeParameters: { nonce: value }, privateChallengeParameters: { nonce: value }, challengeMetadata: gatewayProofMetadata };
  return event;
};

export const handler = async (event: CreateAuthChallengeEvent): Promise<CreateAuthChallengeEvent> => createAuthChallenge(event);

import { gatewayProofMetadata, type DefineAuthChallengeEvent } from "./trigger-events";

/**
 * DefineAuthChallenge: the whole CUSTOM_AUTH conversation is one gateway proof. An empty session gets
 * exactly one CUSTOM_CHALLENGE; a session whose single step is that challenge answered correctly gets
 * tokens; everything else fails — a wrong answer (no second attempt), or any SRP/password step, which
 * would let CUSTOM_AUTH turn into a password login the gateway never saw.
 *
 * An unknown user (userNotFound, with PreventUserExistenceErrors) is challenged like a known one, so the
 * answer to InitiateAuth does not reveal whether the account exists; VerifyAuthChallengeResponse refuses it.
 */
export const defineAuthChallenge = (event: DefineAuthChallengeEvent): DefineAuthChallengeEvent => {
  const { session } = event.request;
  const [only] = session;
  if (session.length === 0) {
    event.response = { challengeName: "CUSTOM_CHALLENGE", issueTokens: false, failAuthentication: false };
  } else if (session.length === 1 && only?.challengeName === "CUSTOM_CHALLENGE" && only.challengeMetadata === gatewayProofMetadata && only.challengeResult === true && event.request.userNotFound !== true) {
    event.response = { challengeName: "", issueTokens: true, failAuthentication: false };
  } else {
    event.response = { challengeName: "", issueTokens: false, failAuthentication: true };
  }
  return event;
};

export const handler = async (event: DefineAuthChallengeEvent): Promise<DefineAuthChallengeEvent> => defineAuthChallenge(event);

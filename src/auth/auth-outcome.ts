import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { ProviderAuthResult, ProviderTokens } from "./identity-provider";

/** Challenge names a client can receive; PASSWORD_EXPIRED is issued by the gateway's own policy. */
export type PublicChallengeName = "MFA_SETUP" | "SOFTWARE_TOKEN_MFA" | "NEW_PASSWORD_REQUIRED" | "PASSWORD_EXPIRED" | "WEBAUTHN";

export type AuthOutcome =
  | { tokens: ProviderTokens; challenge?: undefined }
  /** `alternatives`: other ways to answer the same step (WEBAUTHN beside SOFTWARE_TOKEN_MFA for a user with a passkey). */
  | { challenge: { name: PublicChallengeName; session: string; alternatives?: PublicChallengeName[] }; tokens?: undefined };

export type MfaEnrolment = { secret: string; otpauthUri: string; qrCodeDataUrl: string; session: string };

export const internalError = (what: string) => new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, {}, undefined, new Error(what));

/** Tokens from an answer that must carry them (after MFA there is no further challenge). */
export const tokensOf = (answer: ProviderAuthResult): ProviderTokens => {
  if (answer.kind !== "tokens") throw internalError(`unexpected ${answer.name} challenge after MFA`);
  return answer.tokens;
};

import type { ProviderTokens } from "./identity-provider";

/** Challenge names a client can receive; PASSWORD_EXPIRED is issued by the gateway's own policy. */
export type PublicChallengeName = "MFA_SETUP" | "SOFTWARE_TOKEN_MFA" | "NEW_PASSWORD_REQUIRED" | "PASSWORD_EXPIRED" | "WEBAUTHN";

export type AuthOutcome =
  | { tokens: ProviderTokens; challenge?: undefined }
  /** `alternatives`: other ways to answer the same step (WEBAUTHN beside SOFTWARE_TOKEN_MFA for a user with a passkey). */
  | { challenge: { name: PublicChallengeName; session: string; alternatives?: PublicChallengeName[] }; tokens?: undefined };

export type MfaEnrolment = { secret: string; otpauthUri: string; qrCodeDataUrl: string; session: string };

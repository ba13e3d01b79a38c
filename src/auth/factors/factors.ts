import type { Factor } from "./factor";
import { recoveryCodeFactor, type RecoveryFactorDeps } from "./recovery/recovery-factor";
import { totpFactor, type TotpFactorDeps } from "./totp";
import { webauthnFactor, type WebAuthnFactorDeps } from "./webauthn/webauthn-factor";

export type FactorDeps = { totp: TotpFactorDeps; webauthn: WebAuthnFactorDeps; recoveryCode: RecoveryFactorDeps };

/**
 * Every second factor, listed once. The login machine asks them (by id), offers the configured ones with a
 * challenge of their own beside the MFA step, and runs the set-up of the one that has it; a new factor is a
 * folder under factors/ and a line here.
 */
export const createFactors = (deps: FactorDeps): readonly Factor[] => [
  totpFactor(deps.totp),
  webauthnFactor(deps.webauthn),
  recoveryCodeFactor(deps.recoveryCode),
];

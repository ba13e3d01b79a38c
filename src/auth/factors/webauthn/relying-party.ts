import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { WebAuthnSettings } from "../../../shared/settings";
import { ErrorCode, GatewayError } from "../../../errors/error-codes";
import type { PasskeyRecord } from "./passkey-store";

/** Why a passkey answer was refused; audited as the reason of PASSKEY_REFUSED, never shown to the client. */
export type Refusal = "VERIFY_FAILED" | "CLONED_AUTHENTICATOR" | "BACKUP_ELIGIBILITY_CHANGED" | "UNKNOWN_CREDENTIAL" | "OTHER_ACCOUNT" | "USER_NOT_VERIFIED" | "ENROLLED_WITHOUT_USER_VERIFICATION" | "MALFORMED" | "ACCOUNT_DISABLED";

/** Internal: a refused assertion or attestation. Services audit the reason and answer with a public code. */
export class PasskeyRefused extends Error {
  override readonly name = "PasskeyRefused";
  constructor(readonly reason: Refusal, cause?: unknown) {
    super(reason, { cause });
  }
}

export type Registered = Omit<PasskeyRecord, "sub" | "nickname" | "createdAt" | "lastUsedAt">;
export type Asserted = { credentialId: string; newCounter: number; userVerified: boolean; deviceType: PasskeyRecord["deviceType"]; backedUp: boolean };

/** A client's JSON answer; anything that does not parse is BAD_USER_INPUT, without echoing it. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the WebAuthn answer it expects; @simplewebauthn verifies its content.
export const parseResponse = <T extends { id: string }>(json: string): T => {
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === "object" && value !== null && typeof (value as { id?: unknown }).id === "string") return value as T;
  } catch {
    // fall through: the same answer for every malformed document
  }
  throw new GatewayError(ErrorCode.BAD_USER_INPUT);
};

const transports = (list: readonly string[]) => list as AuthenticatorTransport[];

/**
 * The relying party: @simplewebauthn/server with our RP id and allowed origins. Registration asks for a
 * discoverable credential (a passkey) and prefers user verification; attestation "none" (we trust the
 * user's choice of authenticator, not its make).
 */
export class RelyingParty {
  /** `undefined` = passkeys are off (AWS mode without WEBAUTHN_RP_ID): every passkey operation is refused. */
  constructor(private readonly configured: WebAuthnSettings | undefined) {}

  get enabled(): boolean {
    return this.configured !== undefined;
  }

  private get settings(): WebAuthnSettings {
    if (!this.configured) throw new GatewayError(ErrorCode.FORBIDDEN, { reason: "PASSKEYS_DISABLED" }, "Passkeys are not enabled on this gateway.");
    return this.configured;
  }

  registrationOptions(userHandle: string, email: string, existing: readonly PasskeyRecord[]) {
    return generateRegistrationOptions({
      rpName: this.settings.rpName,
      rpID: this.settings.rpId,
      userID: Buffer.from(userHandle, "base64url"),
      userName: email,
      attestationType: "none",
      excludeCredentials: existing.map((p) => ({ id: p.id, transports: transports(p.transports) })),
      authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
    });
  }

  async verifyRegistration(json: string, challenge: string): Promise<Registered> {
    const settings = this.settings;
    const response = parseResponse<RegistrationResponseJSON>(json);
    let result;
    try {
      result = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: settings.origins, expectedRPID: settings.rpId, requireUserVerification: false });
    } catch (error) {
      throw new PasskeyRefused("VERIFY_FAILED", error);
    }
    if (!result.verified) throw new PasskeyRefused("VERIFY_FAILED");
    const info = result.registrationInfo;
    return {
      id: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString("base64url"),
      counter: info.credential.counter,
      transports: info.credential.transports ?? [],
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      aaguid: info.aaguid,
      userVerified: info.userVerified,
    };
  }

  /** `allow` empty = discoverable: the authenticator offers whichever passkey it holds for our RP id. */
  authenticationOptions(allow: readonly PasskeyRecord[], userVerification: "required" | "preferred") {
    return generateAuthenticationOptions({ rpID: this.settings.rpId, allowCredentials: allow.map((p) => ({ id: p.id, transports: transports(p.transports) })), userVerification });
  }

  /**
   * Verifies an assertion against the stored credential: signature, challenge, origin, RP id, a counter
   * that moved forward (a counter going backwards means a cloned authenticator), and a backup eligibility
   * that did not change since registration (a single-device key never becomes a synced one).
   */
  async verifyAuthentication(response: AuthenticationResponseJSON, challenge: string, record: PasskeyRecord): Promise<Asserted> {
    const settings = this.settings;
    let result;
    try {
      result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: settings.origins,
        expectedRPID: settings.rpId,
        credential: { id: record.id, publicKey: Buffer.from(record.publicKey, "base64url"), counter: record.counter, transports: transports(record.transports) },
        requireUserVerification: false,
      });
    } catch (error) {
      const cloned = error instanceof Error && /counter value/i.test(error.message);
      throw new PasskeyRefused(cloned ? "CLONED_AUTHENTICATOR" : "VERIFY_FAILED", error);
    }
    if (!result.verified) throw new PasskeyRefused("VERIFY_FAILED");
    const info = result.authenticationInfo;
    if (info.credentialDeviceType !== record.deviceType) throw new PasskeyRefused("BACKUP_ELIGIBILITY_CHANGED");
    return { credentialId: info.credentialID, newCounter: info.newCounter, userVerified: info.userVerified, deviceType: info.credentialDeviceType, backedUp: info.credentialBackedUp };
  }
}

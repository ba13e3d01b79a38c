import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest();

type Options = { challenge: string; rp?: { id?: string }; rpId?: string; user?: { id: string } };
export type SoftAuthenticatorSettings = { origin: string; rpId?: string; userVerified?: boolean; backupEligible?: boolean };

/**
 * A software authenticator for server tests: an ES256 key pair that answers creation options with
 * attestation "none" and request options with signed assertions, as a browser plus a platform
 * authenticator would. Every knob an attacker controls is a parameter: origin, RP id, user verification,
 * the counter (set it back to play a cloned authenticator), the backup-eligibility flag.
 */
export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  counter = 0;
  private userHandle: string | undefined;

  constructor(private readonly settings: SoftAuthenticatorSettings) {}

  get id(): string {
    return b64url(this.credentialId);
  }

  private flags(attested: boolean): number {
    let flags = 0x01; // user present
    if (this.settings.userVerified ?? true) flags |= 0x04;
    if (this.settings.backupEligible) flags |= 0x08 | 0x10;
    if (attested) flags |= 0x40;
    return flags;
  }

  private authData(rpId: string, attested: boolean): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const parts = [sha256(rpId), Buffer.from([this.flags(attested)]), counter];
    if (attested) {
      const jwk = this.keys.publicKey.export({ format: "jwk" });
      const cose = new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x ?? "", "base64url")],
        [-3, Buffer.from(jwk.y ?? "", "base64url")],
      ]);
      const length = Buffer.alloc(2);
      length.writeUInt16BE(this.credentialId.length);
      parts.push(Buffer.alloc(16), length, this.credentialId, Buffer.from(isoCBOR.encode(cose)));
    }
    return Buffer.concat(parts);
  }

  private clientData(type: string, challenge: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: this.settings.origin, crossOrigin: false }));
  }

  /** RegistrationResponseJSON for creation options (JSON string or object). */
  register(optionsJson: string | Options): string {
    const options = (typeof optionsJson === "string" ? JSON.parse(optionsJson) : optionsJson) as Options;
    const rpId = this.settings.rpId ?? options.rp?.id ?? "localhost";
    this.userHandle = options.user?.id;
    const attestation = new Map<string, unknown>([
      ["fmt", "none"],
      ["attStmt", new Map()],
      ["authData", this.authData(rpId, true)],
    ]);
    return JSON.stringify({
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: { clientDataJSON: b64url(this.clientData("webauthn.create", options.challenge)), attestationObject: b64url(isoCBOR.encode(attestation as never)), transports: ["internal"] },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    });
  }

  /** AuthenticationResponseJSON for request options; the counter moves on first, like a real authenticator. */
  assert(optionsJson: string | Options, overrides: { counter?: number } = {}): string {
    const options = (typeof optionsJson === "string" ? JSON.parse(optionsJson) : optionsJson) as Options;
    const rpId = this.settings.rpId ?? options.rpId ?? "localhost";
    this.counter = overrides.counter ?? this.counter + 1;
    const authData = this.authData(rpId, false);
    const clientData = this.clientData("webauthn.get", options.challenge);
    const signature = sign("sha256", Buffer.concat([authData, sha256(clientData)]), this.keys.privateKey);
    return JSON.stringify({
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: { clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature), ...(this.userHandle ? { userHandle: this.userHandle } : {}) },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    });
  }
}

import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from "node:crypto";

/**
 * The proof behind Cognito's CUSTOM_AUTH flow, between the gateway and the pool's Lambda triggers
 * (deploy/cognito-custom-auth). After the gateway verified a factor itself (a passkey, a recovery code) it
 * needs tokens without a TOTP code: CreateAuthChallenge sends a fresh nonce, the gateway answers with an
 * Ed25519 signature over "authgw-custom-auth-v2:<purpose>:<subject>:<nonce>" made with a private key only it
 * holds (CUSTOM_AUTH_PRIVATE_KEY), and VerifyAuthChallengeResponse checks it against public keys only
 * (CUSTOM_AUTH_PUBLIC_KEYS, two during a rotation). Whoever reads a trigger's configuration learns nothing
 * that mints tokens. The old shared HMAC key (CUSTOM_AUTH_SECRET) is refused: an HMAC answer never verifies.
 *
 * This file is bundled into the Lambdas: node:crypto only, no other import.
 */

/** Why the gateway asks for tokens; part of the signed message, so an answer for one factor cannot be relabelled. */
export const customAuthPurposes = ["passkey", "recovery-code"] as const;
export type CustomAuthPurpose = (typeof customAuthPurposes)[number];

const nonceBytes = 32;
/** base64url of at least 128 bits: never contains ':', so the signed message parses one way only. */
const noncePattern = /^[A-Za-z0-9_-]{22,}$/;
/** An Ed25519 signature is 64 bytes: 86 base64url characters (an HMAC-SHA256 answer has 43). */
const signaturePattern = /^[A-Za-z0-9_-]{86}$/;
const domain = "authgw-custom-auth-v2";

export type ProofInput = {
  purpose: CustomAuthPurpose;
  /** The user's `sub` (the gateway's Cognito username; the triggers read `userAttributes.sub`). */
  subject: string;
  /** The CreateAuthChallenge nonce, from the challenge parameters. */
  nonce: string;
};

export const isCustomAuthPurpose = (value: unknown): value is CustomAuthPurpose =>
  typeof value === "string" && (customAuthPurposes as readonly string[]).includes(value);

/** A fresh challenge nonce (256 bits, base64url). */
export const newNonce = (): string => randomBytes(nonceBytes).toString("base64url");

const message = ({ purpose, subject, nonce }: ProofInput): Buffer => Buffer.from(`${domain}:${purpose}:${subject}:${nonce}`, "utf8");

/** The gateway's signing key from a PKCS#8 PEM; throws unless it is an Ed25519 private key. */
export const customAuthSigningKey = (pem: string): KeyObject => {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== "ed25519") throw new Error("the custom-auth private key must be an Ed25519 key (PKCS#8 PEM)");
  return key;
};

/** A trigger's verifying key from an SPKI PEM; throws unless it is an Ed25519 public key. */
export const customAuthVerifyingKey = (pem: string): KeyObject => {
  // createPublicKey would also derive one from a private key: a trigger must never be handed that.
  if (pem.includes("PRIVATE KEY")) throw new Error("a custom-auth public key was given a private key");
  const key = createPublicKey(pem);
  if (key.type !== "public" || key.asymmetricKeyType !== "ed25519") throw new Error("a custom-auth public key must be an Ed25519 key (SPKI PEM)");
  return key;
};

/** A fresh key pair as PEM (dev mode makes one at every start; operators use `openssl genpkey -algorithm ed25519`). */
export const generateCustomAuthKeyPair = (): { privateKeyPem: string; publicKeyPem: string } => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
};

/** The SPKI PEM of the public half of a signing key (what the triggers are given). */
export const publicKeyPemOf = (privateKey: KeyObject): string => createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();

/** The answer to one custom challenge (base64url Ed25519 signature). */
export const customAuthProof = (privateKey: KeyObject, input: ProofInput): string => {
  if (!noncePattern.test(input.nonce)) throw new Error("the custom-auth nonce is not a base64url nonce");
  return sign(null, message(input), privateKey).toString("base64url");
};

/**
 * CUSTOM_AUTH_PUBLIC_KEYS: a JSON array of SPKI PEMs (the current key and, during a rotation, the next or
 * previous one). Entries that are not Ed25519 public keys are dropped and counted, never trusted.
 */
export const publicKeysFromJson = (json: string | undefined): { keys: KeyObject[]; rejected: number } => {
  let entries: unknown;
  try {
    entries = json === undefined || json.trim() === "" ? [] : JSON.parse(json);
  } catch {
    return { keys: [], rejected: 1 };
  }
  if (!Array.isArray(entries)) return { keys: [], rejected: 1 };
  const keys: KeyObject[] = [];
  let rejected = 0;
  for (const entry of entries) {
    try {
      if (typeof entry !== "string") throw new Error("not a PEM");
      keys.push(customAuthVerifyingKey(entry));
    } catch {
      rejected += 1;
    }
  }
  return { keys, rejected };
};

/** Whether `answer` is a signature over `input` by the private half of one of `publicKeys`; anything malformed is simply wrong. */
export const isValidProof = (publicKeys: readonly KeyObject[], input: ProofInput, answer: unknown): boolean => {
  if (typeof answer !== "string" || !signaturePattern.test(answer) || input.subject === "" || !noncePattern.test(input.nonce)) return false;
  if (!isCustomAuthPurpose(input.purpose)) return false;
  const signature = Buffer.from(answer, "base64url");
  return publicKeys.some((key) => key.asymmetricKeyType === "ed25519" && verify(null, message(input), key, signature));
};

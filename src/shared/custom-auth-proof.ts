import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The proof behind Cognito's CUSTOM_AUTH flow, shared by the gateway and the pool's Lambda triggers
 * (deploy/cognito-custom-auth). After the gateway verified a factor itself (a passkey, a recovery code) it
 * needs tokens without a TOTP code: CreateAuthChallenge sends a fresh nonce, the gateway answers
 * HMAC-SHA256(secret, "<purpose>:<subject>:<nonce>") and VerifyAuthChallengeResponse recomputes it. Nothing
 * is stored anywhere, so the triggers never reach the gateway; a nonce alone is worthless without the secret,
 * and an answer is bound to one user, one purpose and one Cognito session (which allows a single answer).
 *
 * This file is bundled into the Lambdas: node:crypto only, no other import.
 */

/** Why the gateway asks for tokens; part of the MAC, so an answer for one factor cannot be relabelled. */
export const customAuthPurposes = ["passkey", "recovery-code"] as const;
export type CustomAuthPurpose = (typeof customAuthPurposes)[number];

/** A shorter key would be the weakest link of HMAC-SHA256. */
export const customAuthSecretMinBytes = 32;
const nonceBytes = 32;
/** base64url of at least 128 bits: never contains ':', so "<purpose>:<subject>:<nonce>" parses one way only. */
const noncePattern = /^[A-Za-z0-9_-]{22,}$/;

export type ProofInput = {
  purpose: CustomAuthPurpose;
  /** The user's `sub` (the gateway's Cognito username; the triggers read `userAttributes.sub`). */
  subject: string;
  /** The CreateAuthChallenge nonce, from the challenge parameters. */
  nonce: string;
};

export const isCustomAuthPurpose = (value: unknown): value is CustomAuthPurpose =>
  typeof value === "string" && (customAuthPurposes as readonly string[]).includes(value);

export const isUsableSecret = (secret: string | undefined): secret is string =>
  secret !== undefined && Buffer.byteLength(secret, "utf8") >= customAuthSecretMinBytes;

/** A fresh challenge nonce (256 bits, base64url). */
export const newNonce = (): string => randomBytes(nonceBytes).toString("base64url");

/** The answer to one custom challenge (base64url). Throws for a secret too short to be a key. */
export const customAuthProof = (secret: string, { purpose, subject, nonce }: ProofInput): string => {
  if (!isUsableSecret(secret)) throw new Error(`the custom-auth secret must be at least ${customAuthSecretMinBytes} bytes`);
  if (!noncePattern.test(nonce)) throw new Error("the custom-auth nonce is not a base64url nonce");
  return createHmac("sha256", secret).update(`${purpose}:${subject}:${nonce}`, "utf8").digest("base64url");
};

/**
 * Whether `answer` is the proof for `input` under one of `secrets` (the current one and, while it is rotated,
 * the previous one). Constant time in the answer; anything malformed is simply wrong.
 */
export const isValidProof = (secrets: readonly string[], input: ProofInput, answer: unknown): boolean => {
  if (typeof answer !== "string" || answer === "" || input.subject === "" || !noncePattern.test(input.nonce)) return false;
  if (!isCustomAuthPurpose(input.purpose)) return false;
  const given = Buffer.from(answer, "utf8");
  let valid = false;
  for (const secret of secrets.filter(isUsableSecret)) {
    const expected = Buffer.from(customAuthProof(secret, input), "utf8");
    // timingSafeEqual needs equal lengths; the length of an HMAC is public anyway.
    if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true;
  }
  return valid;
};

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * A record kept in the state store under an opaque bearer value (a cookie, a login handle) is encrypted with
 * AES-256-GCM under a key derived from that value, which the store never sees (it is keyed by a digest):
 * a dump of the store alone yields no token. `purpose` separates the keys of different kinds of record.
 */
const keyFor = (bearer: string, purpose: string): Buffer => Buffer.from(hkdfSync("sha256", bearer, "", purpose, 32));

export const sealRecord = (bearer: string, purpose: string, plaintext: string): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(bearer, purpose), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url")).join(".");
};

/** The plaintext, or undefined when the value is not a record sealed under this bearer (tampered, malformed). */
export const unsealRecord = (bearer: string, purpose: string, sealed: string): string | undefined => {
  const [iv, tag, body] = sealed.split(".").map((part) => Buffer.from(part, "base64url"));
  if (iv?.length !== 12 || tag?.length !== 16 || !body) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFor(bearer, purpose), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
};

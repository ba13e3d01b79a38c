import { hash, randomBytes } from "node:crypto";

/**
 * Store keys derived from secrets are digests, so a dump of the store does not hand out live credentials.
 * The one-shot `crypto.hash` (same digest) costs half of a `createHash` object; a handle is digested per request.
 */
export const sha256 = (value: string): string => hash("sha256", value, "base64url");

/** An unguessable opaque handle (256 bits). */
export const randomHandle = (): string => randomBytes(32).toString("base64url");

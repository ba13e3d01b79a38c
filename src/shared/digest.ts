import { createHash, randomBytes } from "node:crypto";

/** Store keys derived from secrets are digests, so a dump of the store does not hand out live credentials. */
export const sha256 = (value: string): string => createHash("sha256").update(value).digest("base64url");

/** An unguessable opaque handle (256 bits). */
export const randomHandle = (): string => randomBytes(32).toString("base64url");

import type { IncomingMessage } from "node:http";
import { randomHandle, sha256 } from "../../shared/digest";
import { pendingLoginTtlSeconds } from "../../auth/oauth/oauth-login";

/**
 * Ties a hosted login to the browser that began it (login-CSRF defence): /auth/login sets this cookie and
 * keeps only its digest with the pending state; /auth/callback accepts the state only from the browser that
 * holds the cookie. An attacker's own callback URL, opened in a victim's browser, therefore fails.
 *
 * `__Host-` when the gateway is served over HTTPS (no Domain, Path=/, Secure: no sibling host can plant
 * one); over plain http (dev, tests) the prefix would be refused, so the name drops it, as the session
 * cookie's does. SameSite=Lax always: the pool's redirect back is a cross-site top-level GET, which Lax
 * lets through and Strict would not.
 */
export class LoginBindingCookie {
  readonly name: string;

  constructor(callbackUrl: string) {
    this.name = new URL(callbackUrl).protocol === "https:" ? "__Host-authgw-login" : "authgw-login";
  }

  /** A new binding: the cookie to set and the digest the pending login keeps. */
  create(): { setCookie: string; digest: string } {
    const value = randomHandle();
    return { setCookie: this.header(value, pendingLoginTtlSeconds), digest: sha256(value) };
  }

  /** The digest of the request's binding cookie (its first occurrence), or undefined without one. */
  digestOf(req: Pick<IncomingMessage, "headers">): string | undefined {
    const prefix = `${this.name}=`;
    const value = req.headers.cookie
      ?.split(";")
      .map((part) => part.trim())
      .find((part) => part.startsWith(prefix))
      ?.slice(prefix.length);
    return value ? sha256(value) : undefined;
  }

  clear(): string {
    return this.header("", 0);
  }

  private header(value: string, maxAgeSeconds: number): string {
    return `${this.name}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Lax`;
  }
}

import { createHash } from "node:crypto";

/** Is this password known from a breach? Implementations must never send the password or its full hash. */
export interface BreachedPasswords {
  isBreached(password: string): Promise<boolean>;
}

export const noBreachCheck: BreachedPasswords = { isBreached: () => Promise.resolve(false) };

/**
 * Pwned Passwords' k-anonymity range API: only the first five hex characters of the SHA-1 leave the
 * gateway; the answer lists every suffix with that prefix. Padded answers (`Add-Padding`) hide even the
 * size of the match set. Unreachable or slow (over `timeoutMs`): the check says "not known" rather than
 * block every password change on a third party — the local rules and dictionaries still apply.
 */
export class PwnedPasswordsRange implements BreachedPasswords {
  constructor(private readonly deps: { baseUrl: string; timeoutMs?: number; fetch?: typeof fetch }) {}

  async isBreached(password: string): Promise<boolean> {
    const sha1 = createHash("sha1").update(password, "utf8").digest("hex").toUpperCase();
    const prefix = sha1.slice(0, 5);
    const suffix = sha1.slice(5);
    try {
      const response = await (this.deps.fetch ?? fetch)(`${this.deps.baseUrl.replace(/\/+$/, "")}/range/${prefix}`, {
        headers: { "add-padding": "true", "user-agent": "hipaa-auth-gateway" },
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 2000),
      });
      if (!response.ok) return false;
      const body = await response.text();
      return body.split("\n").some((line) => {
        const [candidate, count] = line.trim().split(":");
        return candidate === suffix && Number(count) > 0;
      });
    } catch {
      return false;
    }
  }
}

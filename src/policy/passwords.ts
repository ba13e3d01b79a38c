import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { BreachedPasswords } from "./breached-passwords";
import type { PasswordDigest, PasswordHistory } from "./password-history";
import { unmetPasswordRules } from "./password-policy";
import type { PasswordRotation } from "./password-rotation";

/** Everything that decides whether a new password is acceptable, and what setting one records. */
export class Passwords {
  constructor(private readonly deps: { history: PasswordHistory; rotation: PasswordRotation; breached: BreachedPasswords }) {}

  /** The rules that need no account and no expensive work (length, classes, email, common words). */
  async assertRules(email: string, password: string): Promise<void> {
    const rules = unmetPasswordRules(password, email);
    if (rules.length === 0 && (await this.deps.breached.isBreached(password))) rules.push("breached");
    if (rules.length > 0) throw new GatewayError(ErrorCode.PASSWORD_POLICY_VIOLATION, { rules });
  }

  /**
   * Rules first (cheap), then the one argon2 digest and the history. `sub` undefined (an unknown
   * account) costs the same digest, so the time says nothing about the account. Returns the digest
   * that `recordSet` stores once the password is set.
   */
  async assertAcceptable(sub: string | undefined, email: string, password: string): Promise<PasswordDigest> {
    await this.assertRules(email, password);
    return this.assertNotReused(sub, password);
  }

  /** The history alone (after assertRules): one argon2 digest, whether or not the account is known. */
  async assertNotReused(sub: string | undefined, password: string): Promise<PasswordDigest> {
    const digest = await this.deps.history.digest(sub, password);
    await this.deps.history.assertNotReused(digest);
    return digest;
  }

  /** The digest work alone, for paths that must cost the same as one that records a password. */
  digest(sub: string | undefined, password: string): Promise<PasswordDigest> {
    return this.deps.history.digest(sub, password);
  }

  /** Before the provider resets the account's password with an emailed code (see PasswordRotation.markReset). */
  markReset(sub: string): Promise<() => Promise<void>> {
    return this.deps.rotation.markReset(sub);
  }

  /** `digest` must have been made for this account (under its salt). */
  async recordSet(sub: string, digest: PasswordDigest): Promise<void> {
    if (digest.sub !== sub) throw new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, {}, undefined, new Error("password digest of another account"));
    await Promise.all([this.deps.history.remember(digest), this.deps.rotation.recordSet(sub)]);
  }

  get rotation(): PasswordRotation {
    return this.deps.rotation;
  }
}

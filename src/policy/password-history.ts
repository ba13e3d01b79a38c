import { randomBytes, timingSafeEqual } from "node:crypto";
import argon2 from "argon2";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { StateStore } from "../store/state-store";

const keepSeconds = 10 * 365 * 24 * 3600;
const historyKey = (sub: string) => `password-history:${sub}`;
const saltKey = (sub: string) => `password-salt:${sub}`;

/**
 * OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane). These digests only guard against reuse (Cognito
 * holds the real password verifier), and one runs on every password set, reset and sign-up.
 */
export const argon2Options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** A password digested with the account's salt: the same password gives the same digest for one account. */
export type PasswordDigest = { sub: string | undefined; digest: string };

/**
 * No reuse of the last `size` passwords (Cognito keeps a history only on a paid tier). The account has
 * one random salt; each remembered password is its argon2id digest under that salt. Checking a password
 * is therefore exactly one argon2 computation however long the history is — and an unknown account costs
 * the same (a throw-away salt), so the time of a reset or a sign-up says nothing about the account.
 */
export class PasswordHistory {
  constructor(private readonly deps: { store: Pick<StateStore, "get" | "setIfAbsent" | "list" | "pushBounded">; size: number }) {}

  private async saltOf(sub: string | undefined): Promise<Buffer> {
    const fresh = randomBytes(16);
    if (!sub) return fresh;
    await this.deps.store.setIfAbsent(saltKey(sub), fresh.toString("base64"), keepSeconds);
    return Buffer.from((await this.deps.store.get(saltKey(sub))) ?? fresh.toString("base64"), "base64");
  }

  /** The one expensive step: argon2id of the password under the account's salt (or a throw-away one). */
  async digest(sub: string | undefined, password: string): Promise<PasswordDigest> {
    const salt = await this.saltOf(sub);
    const raw = await argon2.hash(password, { ...argon2Options, salt, raw: true });
    return { sub, digest: raw.toString("base64") };
  }

  /** PASSWORD_POLICY_VIOLATION `history` when the digest matches one of the last `size` passwords. */
  async assertNotReused({ sub, digest }: PasswordDigest): Promise<void> {
    if (this.deps.size === 0 || !sub) return;
    const mine = Buffer.from(digest, "base64");
    const remembered = await this.deps.store.list(historyKey(sub));
    const reused = remembered.some((entry) => {
      const theirs = Buffer.from(entry, "base64");
      return theirs.length === mine.length && timingSafeEqual(theirs, mine);
    });
    if (reused) throw new GatewayError(ErrorCode.PASSWORD_POLICY_VIOLATION, { rules: ["history"] });
  }

  async remember({ sub, digest }: PasswordDigest): Promise<void> {
    if (this.deps.size === 0 || !sub) return;
    await this.deps.store.pushBounded(historyKey(sub), digest, this.deps.size, keepSeconds);
  }
}

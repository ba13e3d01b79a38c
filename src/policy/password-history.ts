import argon2 from "argon2";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { StateStore } from "../store/state-store";

const keepSeconds = 10 * 365 * 24 * 3600;
const key = (sub: string) => `password-history:${sub}`;

/**
 * No reuse of the last `size` passwords (Cognito keeps a history only on a paid tier). Only argon2id
 * hashes are stored; checking compares against each in turn.
 */
export class PasswordHistory {
  constructor(private readonly deps: { store: Pick<StateStore, "list" | "pushBounded">; size: number }) {}

  async assertNotReused(sub: string, password: string): Promise<void> {
    if (this.deps.size === 0) return;
    const hashes = await this.deps.store.list(key(sub));
    const matches = await Promise.all(hashes.map((hash) => argon2.verify(hash, password).catch(() => false)));
    if (matches.some(Boolean)) throw new GatewayError(ErrorCode.PASSWORD_POLICY_VIOLATION, { rules: ["history"] });
  }

  async remember(sub: string, password: string): Promise<void> {
    if (this.deps.size === 0) return;
    const hash = await argon2.hash(password, { type: argon2.argon2id });
    await this.deps.store.pushBounded(key(sub), hash, this.deps.size, keepSeconds);
  }
}

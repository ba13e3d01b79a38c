import { randomBytes, randomInt } from "node:crypto";
import argon2 from "argon2";
import { ErrorCode, GatewayError } from "../../../errors/error-codes";
import { argon2Options } from "../../../policy/password-history";
import type { Clock } from "../../../shared/clock";
import type { StateStore } from "../../../store/state-store";
export const recoveryCodeCount = 10;
const keepSeconds = 10 * 365 * 24 * 3600;
/** No 0/o, 1/l/i: codes are read off paper. 10 characters of 31 ≈ 50 bits, behind the account lockout. */
const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
const saltKey = (sub: string) => `recovery-salt:${sub}`;
const setKey = (sub: string) => `recovery-codes:${sub}`;
const codeKey = (sub: string, digest: string) => `recovery-code:${sub}:${digest}`;
const generatingKey = (sub: string) => `recovery-generating:${sub}`;
/** When the account's current set was generated (ms); none for sets from before it was kept. */
const generatedAtKey = (sub: string) => `recovery-codes:at:${sub}`;
/** Set by the one use that spends a code, before it takes it: a duplicate in flight (or later) is no guess. */
const spentKey = (sub: string, digest: string) => `recovery-spent:${sub}:${digest}`;
const spentKeepSeconds = 30 * 24 * 3600;

export const recoveryCodeShape = /^[a-z2-9]{5}-?[a-z2-9]{5}$/;

const newCode = () => {
  const chars = Array.from({ length: 10 }, () => alphabet[randomInt(alphabet.length)]).join("");
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
};

/**
 * Ten single-use recovery codes per account, stored as argon2id digests (OWASP parameters) under one random
 * salt per account: checking a code is one argon2 computation and one atomic `take` of its digest's key, so
 * of two concurrent uses of one code exactly one succeeds. Generating a new set discards the old one.
 */
export class RecoveryCodes {
  constructor(private readonly deps: { store: Pick<StateStore, "get" | "set" | "setIfAbsent" | "take" | "delete" | "addToSet" | "removeFromSet" | "members">; clock: Clock }) {}

  private async digest(sub: string, code: string, salt?: Buffer): Promise<string> {
    const stored = await this.deps.store.get(saltKey(sub));
    const useSalt = salt ?? (stored ? Buffer.from(stored, "base64") : randomBytes(16));
    const raw = await argon2.hash(code.replace("-", "").toLowerCase(), { ...argon2Options, salt: useSalt, raw: true });
    return raw.toString("base64url");
  }

  /**
   * The new codes, in the clear, once: only their digests are kept. One generation at a time per account:
   * two interleaved ones would mix their codes under one salt, and one of the sets shown would never work,
   * so a second concurrent request is refused (TOO_MANY_REQUESTS) instead.
   */
  async generate(sub: string): Promise<string[]> {
    if (!(await this.deps.store.setIfAbsent(generatingKey(sub), "1", 60))) throw new GatewayError(ErrorCode.TOO_MANY_REQUESTS, { retryAfterSeconds: 5 });
    try {
      await this.clear(sub);
      const salt = randomBytes(16);
      await this.deps.store.set(saltKey(sub), salt.toString("base64"), keepSeconds);
      await this.deps.store.set(generatedAtKey(sub), String(this.deps.clock.now()), keepSeconds);
      const codes = Array.from({ length: recoveryCodeCount }, newCode);
      for (const code of codes) {
        const digest = await this.digest(sub, code, salt);
        await this.deps.store.set(codeKey(sub, digest), "1", keepSeconds);
        await this.deps.store.addToSet(setKey(sub), digest, keepSeconds);
      }
      return codes;
    } catch (error) {
      // Written halfway: codes nobody was shown must not count as a way back.
      await this.clear(sub).catch(() => undefined);
      throw error;
    } finally {
      await this.deps.store.delete(generatingKey(sub));
    }
  }

  async left(sub: string): Promise<number> {
    return (await this.deps.store.members(setKey(sub))).length;
  }

  /**
   * Uses a code up; CODE_MISMATCH for a wrong or malformed one (counted by the lockout around it). A code
   * another request is spending or has spent answers CODE_EXPIRED (reason CODE_ALREADY_USED), which the
   * lockout does not count: twenty copies of one right code sent at once are one owner, not twenty guesses,
   * and must not lock out the winner. Of identical wrong guesses in flight, one counts.
   * Returns how to give it back, for when what the code was for could not happen (the provider was down).
   */
  async consume(sub: string, code: string): Promise<() => Promise<void>> {
    if (!recoveryCodeShape.test(code.toLowerCase())) throw new GatewayError(ErrorCode.CODE_MISMATCH);
    const digest = await this.digest(sub, code);
    if (!(await this.deps.store.setIfAbsent(spentKey(sub, digest), "1", spentKeepSeconds))) throw new GatewayError(ErrorCode.CODE_EXPIRED, { reason: "CODE_ALREADY_USED" }, "This recovery code was already used.");
    if ((await this.deps.store.take(codeKey(sub, digest))) === undefined) {
      await this.deps.store.delete(spentKey(sub, digest));
      throw new GatewayError(ErrorCode.CODE_MISMATCH);
    }
    await this.deps.store.removeFromSet(setKey(sub), digest);
    return async () => {
      await this.deps.store.delete(spentKey(sub, digest));
      await this.deps.store.set(codeKey(sub, digest), "1", keepSeconds);
      await this.deps.store.addToSet(setKey(sub), digest, keepSeconds);
    };
  }

  /** Voids the account's set, whenever it was generated; returns how many codes that voided. */
  async revokeAll(sub: string): Promise<number> {
    const left = await this.left(sub);
    await this.clear(sub);
    return left;
  }

  /** Voids the account's set when it was generated after `since` (ms); returns how many codes that voided. */
  async revokeGeneratedSince(sub: string, since: number): Promise<number> {
    const at = Number((await this.deps.store.get(generatedAtKey(sub))) ?? Number.NaN);
    if (!(at > since)) return 0;
    const left = await this.left(sub);
    await this.clear(sub);
    return left;
  }

  private async clear(sub: string): Promise<void> {
    for (const digest of await this.deps.store.members(setKey(sub))) {
      await this.deps.store.delete(codeKey(sub, digest));
      await this.deps.store.removeFromSet(setKey(sub), digest);
    }
  }
}

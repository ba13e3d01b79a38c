/**
 * Every lasting record kind, the table that holds it and the state-store key prefixes that name it. The
 * services keep speaking the StateStore interface; the tiered store sends these keys to PostgreSQL and
 * everything else (sessions, handles, limiter counters, caches) to the ephemeral store.
 */
export const recordKinds = {
  /** Public keys, counters, flags, per-account id sets, WebAuthn user handles, tombstones of removed ids. */
  passkeys: ["passkeys:", "passkey:", "passkey-revoked:", "webauthn-user:"],
  /** The account's salt, the set of code digests, each code, and the marker of a set being written. */
  recovery_codes: ["recovery-salt:", "recovery-codes:", "recovery-code:", "recovery-generating:"],
  /** Digests of the last passwords, their salt, and when the password was last set (its age). */
  password_records: ["password-history:", "password-salt:", "password-set:"],
  /** Locks by typed email and by account (timed, or until an administrator unlocks). */
  account_locks: ["lockout:locked:", "lockout:locked-sub:"],
  /** Administrator flags (disabled), and when the account's security state last changed (hosted login's check). */
  account_flags: ["account-flags:"],
  /** Grants with their reason and review, the index, the unreviewed set, and the once-only claims. */
  emergency_grants: ["emergency:grant:", "emergency:index", "emergency:unreviewed", "emergency:review-claim:", "emergency:escalation-claim:"],
  /**
   * An email change's single-use undo (7 days), the previous addresses that hear every notice for 30 days, and
   * an undo's mark that the reset codes sent before it went to the address taken back from (a day).
   */
  email_changes: ["email-change-undo:", "email-change-previous:", "email-change-reset-void:"],
  /** The gateway's sealed copy of each enrolled TOTP secret (step-up codes are checked against it). */
  enrolled_totp: ["totp-enrolled:"],
} as const satisfies Record<string, readonly string[]>;

export type RecordKind = keyof typeof recordKinds;

export const recordKindNames = Object.keys(recordKinds) as RecordKind[];

/**
 * The prefixes by their first segment (up to and with the first `:`; every prefix has one), longest first, so
 * `passkey-revoked:` is not taken for `passkey:`'s sibling by accident. A key can only start with a prefix of
 * its own first segment: one map lookup instead of a test of every prefix, on every key of every request.
 */
const bySegment = new Map<string, [string, RecordKind][]>();
for (const kind of recordKindNames) {
  for (const prefix of recordKinds[kind]) {
    const segment = prefix.slice(0, prefix.indexOf(":") + 1);
    bySegment.set(segment, [...(bySegment.get(segment) ?? []), [prefix, kind]]);
  }
}
for (const candidates of bySegment.values()) candidates.sort((a, b) => b[0].length - a[0].length);

/** The lasting kind a key belongs to; undefined for what may be lost. */
export const recordKindOf = (key: string): RecordKind | undefined => {
  const colon = key.indexOf(":");
  if (colon < 0) return undefined;
  const candidates = bySegment.get(key.slice(0, colon + 1));
  if (candidates === undefined) return undefined;
  for (const [prefix, kind] of candidates) if (key.startsWith(prefix)) return kind;
  return undefined;
};

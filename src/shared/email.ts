/**
 * The one form of an email address the gateway uses: at sign-up, at every look-up (sign-in, recovery,
 * passkeys, the admin CLI) and in every key derived from it (lockout, rate limits, account records).
 * Cognito pools that sign in by email are case-insensitive; cognito-local is not, and neither is a key
 * digest, so without one form `Ada@Example.com` and `ada@example.com` would be two accounts or two buckets.
 */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/**
 * The gateway's features by name: what DISABLED_FEATURES takes (docs/features.md). Kept apart from the
 * feature objects so the settings can be checked without loading a resolver.
 */
export const featureNames = ["sign-in", "password", "viewer", "account", "admin", "audit-review", "passkeys", "recovery-codes", "emergency-access", "hosted-login"] as const;

export type FeatureName = (typeof featureNames)[number];

/**
 * Always on: the login itself, and the password mutations the login's own challenges (NEW_PASSWORD_REQUIRED,
 * PASSWORD_EXPIRED) are answered with. Without them nobody could sign in.
 */
export const alwaysOnFeatures: readonly FeatureName[] = ["sign-in", "password"];

export const isFeatureName = (name: string): name is FeatureName => (featureNames as readonly string[]).includes(name);

/** The names DISABLED_FEATURES accepts. */
export const optionalFeatureNames: readonly FeatureName[] = featureNames.filter((name) => !alwaysOnFeatures.includes(name));

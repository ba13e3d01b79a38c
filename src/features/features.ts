import type { AuditEventType } from "../audit/audit-event";
import type { ErrorReason } from "../errors/error-codes";
import { accountFeature } from "./account/account.feature";
import { adminFeature } from "./admin/admin.feature";
import { auditReviewFeature } from "./audit-review/audit-review.feature";
import { emergencyAccessFeature } from "./emergency-access/emergency-access.feature";
import type { Feature } from "./feature";
import { alwaysOnFeatures, type FeatureName } from "./feature-names";
import { hostedLoginFeature } from "./hosted-login/hosted-login.feature";
import { passkeysFeature } from "./passkeys/passkeys.feature";
import { passwordFeature } from "./password/password.feature";
import { recoveryCodesFeature } from "./recovery-codes/recovery-codes.feature";
import { signInFeature } from "./sign-in/sign-in.feature";
import { viewerFeature } from "./viewer/viewer.feature";

/** Every feature of the gateway, in the order of featureNames (a test keeps the two in step). */
export const allFeatures: readonly Feature[] = [
  signInFeature,
  passwordFeature,
  viewerFeature,
  accountFeature,
  adminFeature,
  auditReviewFeature,
  passkeysFeature,
  recoveryCodesFeature,
  emergencyAccessFeature,
  hostedLoginFeature,
];

/** The features a gateway serves: all but the ones DISABLED_FEATURES names (never an always-on one). */
export const enabledFeatures = (config: { disabledFeatures?: readonly FeatureName[] | undefined }): readonly Feature[] =>
  allFeatures.filter((feature) => alwaysOnFeatures.includes(feature.name) || !(config.disabledFeatures ?? []).includes(feature.name));

/**
 * Events of the gateway as a whole rather than of one feature: token and permission refusals, throttling,
 * the audit trail's own bookkeeping and reads (auditEvents, loginHistory and the CLIs all read it), idle
 * logoff, notices that could not be delivered (several features send them).
 */
export const coreAuditEvents: readonly AuditEventType[] = [
  "TOKEN_REJECTED",
  "PERMISSION_DENIED",
  "RATE_LIMITED",
  "REQUEST_REFUSED",
  "IDLE_TIMEOUT",
  "LOG_TAIL_TRUNCATED",
  "LOG_CONTINUED",
  "AUDIT_READ",
  "AUDIT_ARCHIVE",
  "SECURITY_NOTICE_DEAD_LETTER",
];

/** Who owns each audit event name: "core" or feature names (exactly one, a test checks). */
export const auditEventOwners = (features: readonly Feature[] = allFeatures): Map<AuditEventType, string[]> => {
  const owners = new Map<AuditEventType, string[]>();
  const claim = (event: AuditEventType, owner: string) => owners.set(event, [...(owners.get(event) ?? []), owner]);
  for (const event of coreAuditEvents) claim(event, "core");
  for (const feature of features) for (const event of feature.auditEvents) claim(event, feature.name);
  return owners;
};

/** Which feature answers with each reason it owns (reasons no feature claims are the gateway's own). */
export const errorReasonOwners = (features: readonly Feature[] = allFeatures): Map<ErrorReason, string[]> => {
  const owners = new Map<ErrorReason, string[]>();
  for (const feature of features) for (const reason of feature.errorReasons ?? []) owners.set(reason, [...(owners.get(reason) ?? []), feature.name]);
  return owners;
};

/** The root fields a feature adds (its Query and Mutation entries). */
export const rootFieldsOf = (feature: Feature): string[] => [...Object.keys(feature.permissions.Query ?? {}), ...Object.keys(feature.permissions.Mutation ?? {})];

/** The features that are off, given the enabled ones. */
export const disabledOf = (enabled: readonly Feature[]): Feature[] => allFeatures.filter((feature) => !enabled.includes(feature));

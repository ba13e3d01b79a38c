import type { AuditEventType } from "../../audit/audit-event";
import type { ChallengeStage, ProvenFactor } from "../login/login-stages";

/**
 * A second factor, as the login machine sees it: what it proves, the stages it adds, the guard on its
 * attempts and what it writes to the audit trail (intent before effect, through `audited`). TOTP is the
 * first; passkeys and recovery codes plug in the same way.
 */
export type FactorSpec = {
  id: Exclude<ProvenFactor, "password">;
  /** What it proves, for the access policy and the HIPAA table. */
  assurance: "possession" | "possession+inherence";
  /** Stages of the login table this factor owns (enrolment and verification). */
  stages: readonly ChallengeStage[];
  /** The reserve-first guard every attempt passes: the account lockout shared with passwords. */
  limiter: "lockout";
  events: readonly AuditEventType[];
};

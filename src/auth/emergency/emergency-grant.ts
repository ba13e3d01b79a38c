import { z } from "zod";
import type { WebhookTarget } from "../../shared/signed-webhook";
import type { EpochMark } from "../../policy/security-epoch";
import { absentable, parseStoredRecord, recordSchema } from "../../shared/stored-record";

/** READ: read records; READ_WRITE: also change them (what a subgraph enforces with the claim). */
export type EmergencyScope = "READ" | "READ_WRITE";

/**
 * The `emergency` claim of the identity assertion (the subgraph helper package reads it: its emergency.ts;
 * the two are kept apart so that subgraphs never import gateway internals). `expiresAt` in epoch seconds.
 */
export type EmergencyGrantClaim = { grantId: string; scope: EmergencyScope; patientRef: string | undefined; expiresAt: number };

export type EmergencyVerdict = "JUSTIFIED" | "UNJUSTIFIED";
export type EmergencyEndReason = "ENDED_BY_USER" | "ENDED_BY_ADMIN" | "REPLACED" | "UNJUSTIFIED";

/**
 * One emergency grant as the state store keeps it. The reason and the review note live only here (and in
 * what admins read through emergencyAccesses): never in logs, metrics, alerts or the audit trail, which
 * carry the grant id instead.
 */
export type GrantRecord = {
  id: string;
  sub: string;
  sessionId: string;
  scope: EmergencyScope;
  patientRef: string | undefined;
  reason: string;
  /** Epoch milliseconds. */
  grantedAt: number;
  expiresAt: number;
  /** The account's security epoch when granted: sign-out everywhere, disable, lock, a group or password change end it. */
  mark: EpochMark;
  ended?: { at: number; by: string; reason: EmergencyEndReason };
  review?: { verdict: EmergencyVerdict; note: string; reviewer: string; at: number };
  escalatedAt?: number;
};

export type GrantStatus = "ACTIVE" | "EXPIRED" | "ENDED" | "SESSION_ENDED";

/** How long grant records are kept for review and audit (HIPAA documentation retention: six years). */
export const grantRetentionSeconds = 6 * 366 * 24 * 3600;
/** The newest grants the admin listing can page through. */
export const grantIndexLength = 10_000;

export const grantKey = (id: string) => `emergency:grant:${id}`;
/** The session's live grant id: a new session (after logout or a new login) never finds an old grant. */
export const sessionGrantKey = (sessionId: string) => `emergency:session:${sessionId}`;
export const grantIndexKey = "emergency:index";
export const unreviewedKey = "emergency:unreviewed";
/** A grant request in progress in this session (one at a time). */
export const requestLockKey = (sessionId: string) => `emergency:requesting:${sessionId}`;
/** Who claimed a grant's verdict first (a review is written once). */
export const reviewClaimKey = (id: string) => `emergency:review-claim:${id}`;
/** Which sweep escalated a grant first (one alert per overdue grant, however many instances sweep). */
export const escalationClaimKey = (id: string) => `emergency:escalation-claim:${id}`;

const verdict = z.enum(["JUSTIFIED", "UNJUSTIFIED"]);
const grantRecord = recordSchema<GrantRecord>()(
  z.object({
    id: z.string(),
    sub: z.string(),
    sessionId: z.string(),
    scope: z.enum(["READ", "READ_WRITE"]),
    patientRef: absentable(z.string()),
    reason: z.string(),
    grantedAt: z.number(),
    expiresAt: z.number(),
    mark: z.object({ epoch: z.number(), startedAt: z.number() }),
    ended: z.object({ at: z.number(), by: z.string(), reason: z.enum(["ENDED_BY_USER", "ENDED_BY_ADMIN", "REPLACED", "UNJUSTIFIED"]) }).optional(),
    review: z.object({ verdict, note: z.string(), reviewer: z.string(), at: z.number() }).optional(),
    escalatedAt: z.number().optional(),
  }),
);

/** A corrupt grant reads as absent: it grants nothing (fails closed) and is left out of the review lists. */
export const parseGrant = (value: string | undefined): GrantRecord | undefined => parseStoredRecord(grantRecord, value);

/** A grant as `record` writes it, keeping what `stored` already had of the facts only ever added (of two ends, the earlier). */
export const mergeGrant = (record: GrantRecord, stored: GrantRecord | undefined): GrantRecord => {
  const merged: GrantRecord = { ...record };
  const ended = [record.ended, stored?.ended].filter((end) => end !== undefined).sort((a, b) => a.at - b.at)[0];
  if (ended) merged.ended = ended;
  const review = record.review ?? stored?.review;
  if (review) merged.review = review;
  const escalatedAt = record.escalatedAt ?? stored?.escalatedAt;
  if (escalatedAt !== undefined) merged.escalatedAt = escalatedAt;
  return merged;
};

/** Emergency access settings (config.ts reads them from the environment). */
export type EmergencySettings = {
  /** EMERGENCY_ACCESS=off: every request is refused (FORBIDDEN, EMERGENCY_ACCESS_DISABLED); unset = on. */
  enabled?: boolean;
  accessMinutes: number;
  reviewHours: number;
  alertWebhook: WebhookTarget | undefined;
  /** Waits before each retry of an undelivered alert; after the last, a dead-letter audit record. */
  alertRetryDelaysMs: readonly number[];
  /** How often overdue reviews are looked for. */
  sweepIntervalSeconds: number;
};

import { randomUUID } from "node:crypto";
import type { AuditEvent, RequestMeta } from "../../audit/audit-event";
import type { AuditLog } from "../../audit/audit-log";
import { audited } from "../../audit/audited";
import type { AccessStateReader } from "../access-state";
import type { Identity } from "../identity";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import { decideAccess } from "../../policy/access-policy";
import type { SecurityEpoch } from "../../policy/security-epoch";
import type { Clock } from "../../shared/clock";
import type { StateStore } from "../../store/state-store";
import type { EmergencyAccess } from "./emergency-access";
import type { EmergencyAlerts } from "./emergency-alerts";
import { escalationClaimKey, grantIndexKey, grantKey, grantRetentionSeconds, parseGrant, reviewClaimKey, unreviewedKey, type EmergencyVerdict, type GrantRecord, type GrantStatus, type EmergencySettings } from "./emergency-grant";

export type GrantView = GrantRecord & { status: GrantStatus };
export type GrantFilter = { status: GrantStatus | undefined; unreviewed: boolean | undefined; subjectId: string | undefined };
export type GrantPage = { grants: GrantView[]; endCursor: string | undefined };

type Deps = {
  store: Pick<StateStore, "getMany" | "list" | "members" | "removeFromSet" | "setIfAbsent" | "delete">;
  clock: Clock;
  audit: Pick<AuditLog, "record">;
  access: Pick<AccessStateReader, "forSession">;
  epoch: Pick<SecurityEpoch, "assertCurrent">;
  grants: Pick<EmergencyAccess, "read" | "save" | "close">;
  settings: Pick<EmergencySettings, "reviewHours">;
  alerts: Pick<EmergencyAlerts, "raise">;
};

const batch = 100;

/** The administrators' side of emergency access: list, review, and escalate grants nobody reviewed in time. */
export class EmergencyReviews {
  constructor(private readonly deps: Deps) {}

  /** ACTIVE only while the grant is unexpired, not ended, and its session could still use it. */
  private async statusOf(grant: GrantRecord): Promise<GrantStatus> {
    if (grant.ended) return "ENDED";
    if (this.deps.clock.now() >= grant.expiresAt) return "EXPIRED";
    const state = await this.deps.access.forSession(grant.sub, grant.sessionId, ["provider"]);
    if (!decideAccess(state, "active").allowed) return "SESSION_ENDED";
    const current = await this.deps.epoch.assertCurrent(grant.sub, grant.mark).then(() => true, () => false);
    return current ? "ACTIVE" : "SESSION_ENDED";
  }

  list(identity: Identity, filter: GrantFilter, first: number, after: string | undefined, meta: RequestMeta): Promise<GrantPage> {
    return audited(this.deps.audit, meta, { event: "EMERGENCY_ACCESS_LIST", outcome: "SUCCESS", actor: identity.sub, sessionId: identity.sessionId }, async () => {
      const ids = await this.deps.store.list(grantIndexKey);
      let start = 0;
      if (after !== undefined) {
        start = ids.indexOf(after) + 1;
        if (start === 0) throw new GatewayError(ErrorCode.BAD_USER_INPUT, { reason: "INVALID_CURSOR" });
      }
      return { result: await this.page(ids, start, filter, first) };
    });
  }

  /** From `start` on, the first `first` grants that match; a cursor only when another one follows. */
  private async page(ids: readonly string[], start: number, filter: GrantFilter, first: number): Promise<GrantPage> {
    const found: GrantView[] = [];
    for (let position = start; position < ids.length; position += batch) {
      const records = await this.deps.store.getMany(ids.slice(position, position + batch).map(grantKey));
      for (const value of records) {
        const grant = parseGrant(value);
        if (!grant || (filter.subjectId !== undefined && grant.sub !== filter.subjectId) || (filter.unreviewed !== undefined && (grant.review === undefined) !== filter.unreviewed)) continue;
        const view = { ...grant, status: await this.statusOf(grant) };
        if (filter.status !== undefined && view.status !== filter.status) continue;
        if (found.length === first) return { grants: found, endCursor: found.at(-1)?.id };
        found.push(view);
      }
    }
    return { grants: found, endCursor: undefined };
  }

  /** An administrator's verdict, once per grant, never on their own. UNJUSTIFIED also ends a grant still running. */
  review(identity: Identity, id: string, verdict: EmergencyVerdict, note: string, meta: RequestMeta): Promise<GrantView> {
    const event: AuditEvent = { event: "EMERGENCY_ACCESS_REVIEW", outcome: "SUCCESS", actor: identity.sub, sessionId: identity.sessionId, grantId: id, reason: verdict };
    return audited(this.deps.audit, meta, event, async () => {
      const grant = await this.deps.grants.read(id);
      if (!grant) throw new GatewayError(ErrorCode.NOT_FOUND);
      if (grant.sub === identity.sub) throw new GatewayError(ErrorCode.FORBIDDEN, { reason: "SELF_REVIEW" });
      if (grant.review) throw new GatewayError(ErrorCode.BAD_USER_INPUT, { reason: "ALREADY_REVIEWED" });
      // Once, even for two reviewers at the same moment: the first to claim the verdict writes it.
      if (!(await this.deps.store.setIfAbsent(reviewClaimKey(id), identity.sub, grantRetentionSeconds))) throw new GatewayError(ErrorCode.BAD_USER_INPUT, { reason: "ALREADY_REVIEWED" });
      try {
        const at = this.deps.clock.now();
        const ended = verdict === "UNJUSTIFIED" ? await this.deps.grants.close(id, { at, by: identity.sub, reason: "UNJUSTIFIED" }) : undefined;
        // Read again just before writing: an end or an escalation since the first read is kept, not overwritten.
        const latest = ended ?? (await this.deps.grants.read(id)) ?? grant;
        const reviewed: GrantRecord = { ...latest, review: { verdict, note, reviewer: identity.sub, at } };
        await this.deps.grants.save(reviewed);
        await this.deps.store.removeFromSet(unreviewedKey, id);
        return { result: { ...reviewed, status: await this.statusOf(reviewed) }, audit: { subject: grant.sub } };
      } catch (error) {
        // A review that could not be written must stay possible: the claim goes with it.
        await this.deps.store.delete(reviewClaimKey(id)).catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * Raises one escalation alert (and audit record) for each grant still unreviewed EMERGENCY_REVIEW_HOURS
   * after it was granted. Run on an interval; every instance may run it (a claim per grant keeps it to one).
   */
  async sweep(): Promise<string[]> {
    const ids = await this.deps.store.members(unreviewedKey);
    const due = this.deps.clock.now() - this.deps.settings.reviewHours * 3600_000;
    const escalated: string[] = [];
    for (let i = 0; i < ids.length; i += batch) {
      const chunk = ids.slice(i, i + batch);
      const records = await this.deps.store.getMany(chunk.map(grantKey));
      for (const [j, value] of records.entries()) {
        const grant = parseGrant(value);
        if (!grant || grant.review) {
          await this.deps.store.removeFromSet(unreviewedKey, chunk[j] ?? "");
          continue;
        }
        if (grant.escalatedAt !== undefined || grant.grantedAt > due) continue;
        // One escalation per grant, whichever instance sweeps first.
        if (!(await this.deps.store.setIfAbsent(escalationClaimKey(grant.id), "1", grantRetentionSeconds))) continue;
        const meta: RequestMeta = { requestId: `emergency-sweep-${randomUUID()}`, ip: undefined, userAgent: undefined };
        await this.deps.audit.record(meta, { event: "EMERGENCY_ACCESS_ESCALATION", outcome: "SUCCESS", subject: grant.sub, grantId: grant.id, reason: "REVIEW_OVERDUE" });
        // Read again just before writing: a review or an end since the batch was read is kept.
        const marked = { ...((await this.deps.grants.read(grant.id)) ?? grant), escalatedAt: this.deps.clock.now() };
        await this.deps.alerts.raise("EMERGENCY_ACCESS_UNREVIEWED", marked, meta);
        await this.deps.grants.save(marked);
        escalated.push(grant.id);
      }
    }
    return escalated;
  }
}

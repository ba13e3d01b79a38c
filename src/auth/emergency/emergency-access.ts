import { randomUUID } from "node:crypto";
import type { AuditEvent, RequestMeta } from "../../audit/audit-event";
import type { AuditLog } from "../../audit/audit-log";
import { audited, type Audited } from "../../audit/audited";
import type { FreshFactor, FreshFactorCheck } from "../factors/fresh-factor";
import type { Identity } from "../identity";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import { assertAccess } from "../../policy/access-policy";
import type { SecurityEpoch } from "../../policy/security-epoch";
import type { Clock } from "../../shared/clock";
import type { StateStore } from "../../store/state-store";
import type { EmergencyAlerts } from "./emergency-alerts";
import { grantIndexKey, grantIndexLength, grantKey, grantRetentionSeconds, mergeGrant, parseGrant, requestLockKey, sessionGrantKey, unreviewedKey, type EmergencyEndReason, type EmergencyGrantClaim, type EmergencyScope, type GrantRecord, type GrantStatus, type EmergencySettings } from "./emergency-grant";

export type EmergencyRequest = { reason: string; patientRef: string | undefined; scope: EmergencyScope; minutes: number | undefined };

export type { FreshFactor } from "../factors/fresh-factor";

export type EmergencyAccessDeps = {
  store: Pick<StateStore, "get" | "getMany" | "set" | "setIfAbsent" | "replaceIf" | "delete" | "pushBounded" | "addToSet" | "removeFromSet">;
  clock: Clock;
  audit: Pick<AuditLog, "record">;
  freshFactor: Pick<FreshFactorCheck, "prove">;
  epoch: Pick<SecurityEpoch, "mark" | "assertCurrent">;
  settings: Pick<EmergencySettings, "accessMinutes" | "enabled">;
  alerts: Pick<EmergencyAlerts, "raise">;
};

/** Compare-and-set rounds of one grant save before it gives up (each loses only to another writer's success). */
const saveAttempts = 10;

/**
 * Emergency ("break-glass") access, HIPAA 164.312(a)(2)(ii): a provider who must reach a record they are not
 * assigned to proves a fresh TOTP code, states a reason, and gets a short grant bound to this session. The
 * grant is alerted at once, audited at every use (see federation), and reviewed by an administrator later.
 */
export class EmergencyAccess {
  constructor(private readonly deps: EmergencyAccessDeps) {}

  async request(caller: { identity: Identity; accessToken: string }, input: EmergencyRequest, factor: FreshFactor | undefined, meta: RequestMeta): Promise<GrantRecord> {
    const { identity } = caller;
    const id = randomUUID();
    const event: AuditEvent = { event: "EMERGENCY_ACCESS_REQUEST", outcome: "SUCCESS", subject: identity.sub, sessionId: identity.sessionId, grantId: id, target: input.patientRef === undefined ? "ALL_PATIENTS" : "ONE_PATIENT" };
    const grant = await audited(this.deps.audit, meta, event, async () => {
      // Shield already asked; the service does not rely on being called only through it.
      assertAccess(identity.access, { group: "provider" });
      if (this.deps.settings.enabled === false) throw new GatewayError(ErrorCode.FORBIDDEN, { reason: "EMERGENCY_ACCESS_DISABLED" }, "Emergency access is turned off on this gateway.");
      const minutes = input.minutes ?? this.deps.settings.accessMinutes;
      if (minutes > this.deps.settings.accessMinutes) throw new GatewayError(ErrorCode.BAD_USER_INPUT, { reason: "DURATION_TOO_LONG" });
      const startedAt = this.deps.clock.now();
      // One request at a time per session: two at once would each replace the same earlier grant, and the
      // one not bound to the session would stay ACTIVE with nobody to end it.
      if (!(await this.deps.store.setIfAbsent(requestLockKey(identity.sessionId), id, 30))) throw new GatewayError(ErrorCode.TOO_MANY_REQUESTS, { retryAfterSeconds: 1 });
      try {
        return await this.grant(caller, input, factor, { id, minutes, startedAt }, meta);
      } finally {
        await this.deps.store.delete(requestLockKey(identity.sessionId));
      }
    });
    return grant;
  }

  /** The fresh factor, then the grant bound to the session (an earlier one of the session is REPLACED). */
  private async grant(caller: { identity: Identity; accessToken: string }, input: EmergencyRequest, factor: FreshFactor | undefined, at: { id: string; minutes: number; startedAt: number }, meta: RequestMeta): Promise<Audited<GrantRecord>> {
    const { identity } = caller;
    const { id, minutes, startedAt } = at;
    await this.deps.freshFactor.prove(caller, factor, meta);
    const mark = await this.deps.epoch.mark(identity.sub, startedAt);
    const now = this.deps.clock.now();
    const record: GrantRecord = { id, sub: identity.sub, sessionId: identity.sessionId, scope: input.scope, patientRef: input.patientRef, reason: input.reason, grantedAt: now, expiresAt: now + minutes * 60_000, mark };
    const replaced = await this.deps.store.get(sessionGrantKey(identity.sessionId));
    if (replaced) await this.close(replaced, { at: now, by: identity.sub, reason: "REPLACED" });
    // The alert is kept before the grant exists: a grant nobody hears of is worse than an alert for one that failed.
    await this.deps.alerts.raise("EMERGENCY_ACCESS_GRANTED", record, meta);
    await this.save(record);
    await this.deps.store.set(sessionGrantKey(identity.sessionId), id, minutes * 60);
    await this.deps.store.pushBounded(grantIndexKey, id, grantIndexLength, grantRetentionSeconds);
    await this.deps.store.addToSet(unreviewedKey, id, grantRetentionSeconds);
    const undo = async () => {
      await this.close(id, { at: now, by: identity.sub, reason: "ENDED_BY_USER" });
    };
    return { result: record, undo };
  }

  /**
   * The session's live grant, as the claim subgraphs receive. Called after the access policy allowed the
   * identity (session live, not idle, account active); a grant also dies with the session's security epoch
   * (sign-out everywhere, disable, lock, group or password change) and at its expiry.
   */
  async liveClaim(identity: Pick<Identity, "sub" | "sessionId" | "groups">): Promise<EmergencyGrantClaim | undefined> {
    // Off means off for grants opened before too (an instance restarted with the feature off during an incident):
    // the grant stays on record for review, and counts again only where emergency access is on.
    if (this.deps.settings.enabled === false || !identity.groups.includes("provider")) return undefined;
    const id = await this.deps.store.get(sessionGrantKey(identity.sessionId));
    const grant = id === undefined ? undefined : await this.read(id);
    if (!grant || grant.ended || grant.sub !== identity.sub || this.deps.clock.now() >= grant.expiresAt) return undefined;
    try {
      await this.deps.epoch.assertCurrent(grant.sub, grant.mark);
    } catch {
      return undefined;
    }
    return { grantId: grant.id, scope: grant.scope, patientRef: grant.patientRef, expiresAt: Math.floor(grant.expiresAt / 1000) };
  }

  /** For the federation data source: the claim to forward, after the INTENT record of a request made under it. */
  async forward(identity: Pick<Identity, "sub" | "sessionId" | "groups">, subgraph: string, meta: RequestMeta): Promise<EmergencyGrantClaim | undefined> {
    const claim = await this.liveClaim(identity);
    if (claim) await this.deps.audit.record(meta, { ...this.usedEvent(identity, claim.grantId, subgraph), outcome: "INTENT" });
    return claim;
  }

  /** The outcome of a request made under a grant, once the subgraph answered. */
  forwarded(identity: Pick<Identity, "sub" | "sessionId">, grantId: string, subgraph: string, meta: RequestMeta, outcome: "SUCCESS" | "FAILURE"): Promise<void> {
    return this.deps.audit.record(meta, { ...this.usedEvent(identity, grantId, subgraph), outcome });
  }

  private usedEvent(identity: Pick<Identity, "sub" | "sessionId">, grantId: string, subgraph: string): AuditEvent {
    return { event: "EMERGENCY_ACCESS_USED", outcome: "SUCCESS", subject: identity.sub, sessionId: identity.sessionId, grantId, target: subgraph };
  }

  /** Ends a grant early: its holder, or an administrator. Someone else's grant is NOT_FOUND. */
  end(identity: Identity, id: string, meta: RequestMeta): Promise<GrantRecord> {
    const event: AuditEvent = { event: "EMERGENCY_ACCESS_END", outcome: "SUCCESS", subject: identity.sub, sessionId: identity.sessionId, grantId: id };
    return audited(this.deps.audit, meta, event, async () => {
      const grant = await this.read(id);
      const admin = identity.access.groups.includes("admin");
      if (!grant || (grant.sub !== identity.sub && !admin)) throw new GatewayError(ErrorCode.NOT_FOUND);
      if (grant.ended) return { result: grant, audit: { reason: "ALREADY_ENDED" } };
      const reason: EmergencyEndReason = grant.sub === identity.sub ? "ENDED_BY_USER" : "ENDED_BY_ADMIN";
      const ended = await this.close(id, { at: this.deps.clock.now(), by: identity.sub, reason });
      return { result: ended ?? grant, audit: { reason, ...(grant.sub === identity.sub ? {} : { subject: grant.sub, actor: identity.sub }) } };
    });
  }

  /** A grant as its holder sees it right after acting on it (their own session is live). */
  view(grant: GrantRecord): GrantRecord & { status: GrantStatus } {
    return { ...grant, status: grant.ended ? "ENDED" : this.deps.clock.now() >= grant.expiresAt ? "EXPIRED" : "ACTIVE" };
  }

  async read(id: string): Promise<GrantRecord | undefined> {
    return parseGrant(await this.deps.store.get(grantKey(id)));
  }

  /**
   * Writes a grant without losing what another writer recorded since this one read it (the end, the review, the
   * escalation: each is only ever added): the stored record is read again and those are kept; of two ends, the
   * earlier. The write is a compare-and-set against what was read, so a save that raced another reads again.
   */
  async save(record: GrantRecord): Promise<void> {
    for (let attempt = 0; attempt < saveAttempts; attempt++) {
      const raw = await this.deps.store.get(grantKey(record.id));
      const merged = mergeGrant(record, parseGrant(raw));
      if (await this.deps.store.replaceIf(grantKey(record.id), raw, JSON.stringify(merged), grantRetentionSeconds)) return;
    }
    // Only under a storm of writers to one grant: refused, audited as a failure by the caller, tried again by the client.
    throw new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { retryAfterSeconds: 1 });
  }

  /** Marks a grant ended and unbinds it from its session. */
  async close(id: string, ended: NonNullable<GrantRecord["ended"]>): Promise<GrantRecord | undefined> {
    const grant = await this.read(id);
    if (!grant || grant.ended) return grant;
    const closed = { ...grant, ended };
    await this.save(closed);
    if ((await this.deps.store.get(sessionGrantKey(grant.sessionId))) === id) await this.deps.store.delete(sessionGrantKey(grant.sessionId));
    return closed;
  }
}

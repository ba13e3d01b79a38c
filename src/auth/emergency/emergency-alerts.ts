import { randomUUID } from "node:crypto";
import type { AuditEvent, RequestMeta } from "../../audit/audit-event";
import type { AuditLog } from "../../audit/audit-log";
import type { Logger } from "../../shared/logger";
import { deliveryIdHeader, PendingDeliveries, postSigned, signatureHeader, signBody } from "../../shared/signed-webhook";
import type { EmergencySettings, GrantRecord } from "./emergency-grant";

export type EmergencyAlertKind = "EMERGENCY_ACCESS_GRANTED" | "EMERGENCY_ACCESS_UNREVIEWED";

/** Where a grant or an overdue review is announced. */
export interface EmergencyAlerts {
  /**
   * Awaited in the step that makes the grant (or the escalation): a durable implementation fails the step
   * when it cannot keep the alert; the in-process one returns at once.
   */
  raise(kind: EmergencyAlertKind, grant: GrantRecord, meta: RequestMeta): void | Promise<void>;
  /** Resolves when every alert raised so far was delivered or dead-lettered (shutdown, tests). */
  settled(): Promise<void>;
}

/** The headers a receiver checks: HMAC-SHA256 over `${timestamp}.${body}` with the shared secret. */
export const alertSignatureHeader = signatureHeader;
export const alertIdHeader = deliveryIdHeader;
export const signAlert = signBody;

/** What an alert says: identifiers and times only — never the reason, a note or a patient reference. */
export const alertBody = (kind: EmergencyAlertKind, alertId: string, grant: GrantRecord, reviewHours: number) => ({
  type: kind,
  alertId,
  grantId: grant.id,
  subject: grant.sub,
  scope: grant.scope,
  patientScoped: grant.patientRef !== undefined,
  grantedAt: new Date(grant.grantedAt).toISOString(),
  expiresAt: new Date(grant.expiresAt).toISOString(),
  reviewDueAt: new Date(grant.grantedAt + reviewHours * 3600_000).toISOString(),
});

type Deps = {
  settings: Pick<EmergencySettings, "alertWebhook" | "alertRetryDelaysMs" | "reviewHours">;
  audit: Pick<AuditLog, "record">;
  logger: Pick<Logger, "warn">;
  /** Counts grants, escalations and undeliverable alerts (metrics). */
  count: (event: "granted" | "escalated" | "alert_dead_letter") => void;
  clock: { now(): number };
  sleep?: (ms: number) => Promise<void>;
};

/**
 * Announces every grant and every overdue review at once: a warn log line and a metric always, and a signed
 * JSON POST to ALERT_WEBHOOK_URL when configured, retried a bounded number of times; an alert that cannot be
 * delivered leaves a dead-letter record in the audit trail (EMERGENCY_ALERT_DEAD_LETTER).
 */
export class WebhookEmergencyAlerts implements EmergencyAlerts {
  private readonly deliveries = new PendingDeliveries();
  constructor(private readonly deps: Deps) {}

  raise(kind: EmergencyAlertKind, grant: GrantRecord, meta: RequestMeta): void {
    const alertId = randomUUID();
    this.deps.count(kind === "EMERGENCY_ACCESS_GRANTED" ? "granted" : "escalated");
    this.deps.logger.warn({ event: kind, alertId, grantId: grant.id, subject: grant.sub, scope: grant.scope, patientScoped: grant.patientRef !== undefined }, "emergency access alert");
    if (!this.deps.settings.alertWebhook) return;
    this.deliveries.track(this.deliver(kind, alertId, grant, meta));
  }

  settled(): Promise<void> {
    return this.deliveries.settled();
  }

  private async deliver(kind: EmergencyAlertKind, alertId: string, grant: GrantRecord, meta: RequestMeta): Promise<void> {
    const webhook = this.deps.settings.alertWebhook;
    if (!webhook) return;
    const body = JSON.stringify(alertBody(kind, alertId, grant, this.deps.settings.reviewHours));
    const failure = await postSigned(webhook, alertId, body, { retryDelaysMs: this.deps.settings.alertRetryDelaysMs, clock: this.deps.clock, sleep: this.deps.sleep });
    if (failure === undefined) return;
    this.deps.count("alert_dead_letter");
    const record: AuditEvent = { event: "EMERGENCY_ALERT_DEAD_LETTER", outcome: "FAILURE", reason: failure, subject: grant.sub, grantId: grant.id, target: kind };
    await this.deps.audit.record(meta, record).catch(() => this.deps.logger.warn({ event: "EMERGENCY_ALERT_DEAD_LETTER", alertId, grantId: grant.id }, "emergency alert undeliverable and not recorded"));
  }
}

import type { RequestMeta } from "../audit/audit-event";
import { alertBody, type EmergencyAlertKind, type EmergencyAlerts } from "../auth/emergency/emergency-alerts";
import type { EmergencySettings, GrantRecord } from "../auth/emergency/emergency-grant";
import type { AccountChangedNotice, NoticeType, PasskeyAddedNotice, PasswordChangedNotice, EmailChangedNotice, RecoveryCodeNotice, SecurityNotifier } from "../auth/factors/recovery/notifier";
import type { Logger } from "../shared/logger";
import { randomUUID } from "node:crypto";
import type { Outbox } from "./outbox";

/**
 * Emergency alerts through the outbox: the warn line and the metric at once (as in-process), the webhook
 * delivery from the outbox row written before the grant is saved. Without ALERT_WEBHOOK_URL nothing is queued
 * (the log line and metric are the alert, as in-process).
 */
export class OutboxEmergencyAlerts implements EmergencyAlerts {
  constructor(
    private readonly deps: {
      outbox: Pick<Outbox, "enqueue">;
      settings: Pick<EmergencySettings, "alertWebhook" | "reviewHours">;
      logger: Pick<Logger, "warn">;
      count: (event: "granted" | "escalated") => void;
    },
  ) {}

  async raise(kind: EmergencyAlertKind, grant: GrantRecord, _meta: RequestMeta): Promise<void> {
    const alertId = randomUUID();
    if (this.deps.settings.alertWebhook) {
      const body = JSON.stringify(alertBody(kind, alertId, grant, this.deps.settings.reviewHours));
      await this.deps.outbox.enqueue({ id: alertId, channel: "alert", kind, subject: grant.sub, grantId: grant.id, body });
    }
    this.deps.count(kind === "EMERGENCY_ACCESS_GRANTED" ? "granted" : "escalated");
    this.deps.logger.warn({ event: kind, alertId, grantId: grant.id, subject: grant.sub, scope: grant.scope, patientScoped: grant.patientRef !== undefined }, "emergency access alert");
  }

  /** Nothing is held in the process: the outbox holds it. */
  async settled(): Promise<void> {}
}

/** Owner notices through the outbox (the same body as the in-process webhook notifier). */
export class OutboxSecurityNotifier implements SecurityNotifier {
  constructor(private readonly deps: { outbox: Pick<Outbox, "enqueue"> }) {}

  recoveryCodeUsed(notice: RecoveryCodeNotice): Promise<void> {
    return this.send("RECOVERY_CODE_USED", notice.sub, { email: notice.email, codesLeft: notice.codesLeft, at: notice.at.toISOString() });
  }

  passkeyAdded(notice: PasskeyAddedNotice): Promise<void> {
    return this.send("PASSKEY_ADDED", notice.sub, { email: notice.email, nickname: notice.nickname, at: notice.at.toISOString() });
  }

  passwordChanged(notice: PasswordChangedNotice): Promise<void> {
    return this.send("PASSWORD_CHANGED", notice.sub, { email: notice.email, how: notice.how, at: notice.at.toISOString() });
  }

  accountChanged(notice: AccountChangedNotice): Promise<void> {
    return this.send(notice.change, notice.sub, { email: notice.email, at: notice.at.toISOString() });
  }

  emailChanged(notice: EmailChangedNotice): Promise<void> {
    return this.send("EMAIL_CHANGED", notice.sub, { email: notice.email, undoToken: notice.undoToken, undoUntil: notice.undoUntil.toISOString(), at: notice.at.toISOString() });
  }

  private async send(type: NoticeType, sub: string, fields: Record<string, string | number>): Promise<void> {
    const noticeId = randomUUID();
    await this.deps.outbox.enqueue({ id: noticeId, channel: "notice", kind: type, subject: sub, body: JSON.stringify({ type, noticeId, ...fields }) });
  }

  async settled(): Promise<void> {}
}

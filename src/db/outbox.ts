import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import type { AuditEventType } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import { ident } from "../audit/postgres/sql";
import type { Logger } from "../shared/logger";
import { sealRecord, unsealRecord } from "../shared/sealed-record";
import { postSigned, type WebhookTarget } from "../shared/signed-webhook";
import { databaseUnavailable } from "./pool";

export type OutboxChannel = "alert" | "notice";


export type OutboxMessage = { id?: string; channel: OutboxChannel; kind: string; subject: string; grantId?: string | undefined; body: string };

const sealPurpose = (id: string) => `authgw outbox body v1 ${id}`;

/** A body as the outbox keeps it for row `id`: sealed under the channel's webhook secret, bound to the row. */
export const sealOutboxBody = (secret: string, id: string, body: string): string => sealRecord(secret, sealPurpose(id), body);

/**
 * Only a body sealed by the gateway opens: a row a database writer inserts (or a plain body left from before
 * bodies were sealed) is never sent signed to the receiver; it is dead-lettered, with its audit record.
 */
const openBody = (secret: string, id: string, stored: string): string | undefined => unsealRecord(secret, sealPurpose(id), stored);

/** A rolling rotation of the webhook secret: rows that instances still on the previous secret wrote open too. */
const openWithEither = (target: WebhookTarget, id: string, stored: string): string | undefined =>
  openBody(target.secret, id, stored) ?? (target.previousSecret === undefined ? undefined : openBody(target.previousSecret, id, stored));

type Row = { id: string; channel: OutboxChannel; kind: string; subject: string | null; grant_id: string | null; body: string | null; attempts: number };

export type OutboxDeps = {
  pool: Pick<Pool, "query">;
  schema: string;
  targets: Partial<Record<OutboxChannel, WebhookTarget>>;
  /** Base waits before each retry (a message gets `length + 1` attempts); each is jittered. */
  retryDelaysMs: Record<OutboxChannel, readonly number[]>;
  audit: Pick<AuditLog, "record">;
  logger: Pick<Logger, "warn" | "error">;
  /** Counts dead letters (metrics). */
  deadLettered: (channel: OutboxChannel) => void;
  deliveryTimeoutMs?: number;
  random?: () => number;
};

const deadLetterEvent: Record<OutboxChannel, AuditEventType> = { alert: "EMERGENCY_ALERT_DEAD_LETTER", notice: "SECURITY_NOTICE_DEAD_LETTER" };

/**
 * Alerts and owner notices, durably: a message is a row written in the step that made the grant or the notice,
 * and any running instance delivers it. A delivery first leases the row (its next attempt moves past the
 * delivery's deadline), so an instance that dies mid-delivery, or drains, leaves it for the next poll of
 * whichever instance is up; receivers drop duplicates by the delivery id, which is the row's id. Failed
 * attempts are retried with backoff and jitter; after the last one the message is dead-lettered (audit record
 * and metric) and its body cleared, as it is once delivered.
 *
 * A waiting body is sealed under its channel's webhook secret (which the database never holds), bound to its
 * row: a reader of the database learns neither the undo token of an email-change notice nor the addresses, and
 * a body moved to another row does not open there.
 */
export class Outbox {
  private readonly table: string;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readonly timeoutMs: number;

  constructor(private readonly deps: OutboxDeps) {
    this.table = `${ident(deps.schema)}.outbox`;
    this.timeoutMs = deps.deliveryTimeoutMs ?? 5000;
  }

  /** Fails (503) when the row cannot be written, so the caller's step fails with it. */
  async enqueue(message: OutboxMessage): Promise<string> {
    const id = message.id ?? randomUUID();
    const target = this.deps.targets[message.channel];
    // Without a receiver nothing can be delivered (it is dead-lettered as NO_TARGET): nothing is kept to read.
    const body = target ? sealOutboxBody(target.secret, id, message.body) : null;
    await this.deps.pool
      .query(`INSERT INTO ${this.table} (id, channel, kind, subject, grant_id, body) VALUES ($1, $2, $3, $4, $5, $6)`, [id, message.channel, message.kind, message.subject, message.grantId ?? null, body])
      .catch(databaseUnavailable);
    this.poll();
    return id;
  }

  start(intervalMs: number): this {
    this.timer = setInterval(() => this.poll(), intervalMs);
    this.timer.unref();
    this.poll();
    return this;
  }

  /** Stops polling; deliveries under way are not waited for (their leases hand them to the next instance). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One poll at a time per instance; a failure is logged and the next poll tries again. */
  poll(): void {
    if (this.polling) return;
    this.polling = this.deliverDue()
      .then(() => undefined)
      .catch((error: unknown) => this.deps.logger.error({ err: String(error) }, "outbox poll failed"))
      .finally(() => (this.polling = undefined));
  }

  /** Delivers what is due now; resolves with how many messages it attempted (tests call it directly). */
  async deliverDue(limit = 20): Promise<number> {
    const leaseSeconds = Math.ceil((2 * this.timeoutMs) / 1000);
    const { rows } = await this.deps.pool.query<Row>(
      `UPDATE ${this.table} SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $1)
       WHERE id IN (SELECT id FROM ${this.table} WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= now()
                    ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, channel, kind, subject, grant_id, body, attempts`,
      [leaseSeconds, limit],
    );
    await Promise.all(rows.map((row) => this.deliver(row)));
    return rows.length;
  }

  private async deliver(row: Row): Promise<void> {
    const target = this.deps.targets[row.channel];
    const body = target && row.body !== null ? openWithEither(target, row.id, row.body) : undefined;
    const failure = !target ? "NO_TARGET" : body === undefined ? "BODY_UNREADABLE" : await postSigned(target, row.id, body, { retryDelaysMs: [], clock: Date, timeoutMs: this.timeoutMs });
    if (failure === undefined) {
      await this.deps.pool.query(`UPDATE ${this.table} SET delivered_at = now(), body = NULL WHERE id = $1`, [row.id]);
      return;
    }
    const delays = this.deps.retryDelaysMs[row.channel];
    if (row.attempts <= delays.length) {
      // Equal jitter: half the base wait, plus up to the other half at random, so instances do not retry in step.
      const base = delays[row.attempts - 1] ?? 0;
      const waitMs = base / 2 + (this.deps.random ?? Math.random)() * (base / 2);
      await this.deps.pool.query(`UPDATE ${this.table} SET next_attempt_at = now() + make_interval(secs => $2), last_failure = $3 WHERE id = $1`, [row.id, waitMs / 1000, failure]);
      // Seen before the dead letter: a receiver refusing for days shows in the log from its first refusal.
      this.deps.logger.warn({ deliveryId: row.id, kind: row.kind, channel: row.channel, attempt: row.attempts, failure, retryInSeconds: Math.round(waitMs / 1000) }, "outbox delivery failed; retried later");
      return;
    }
    // The record first: if it cannot be written, the row stays due and the next poll tries again.
    const meta = { requestId: `outbox-${row.id}`, ip: undefined, userAgent: undefined };
    await this.deps.audit.record(meta, { event: deadLetterEvent[row.channel], outcome: "FAILURE", reason: failure, target: row.kind, ...(row.subject && { subject: row.subject }), ...(row.grant_id && { grantId: row.grant_id }) });
    await this.deps.pool.query(`UPDATE ${this.table} SET dead_at = now(), body = NULL, last_failure = $2 WHERE id = $1`, [row.id, failure]);
    this.deps.deadLettered(row.channel);
    this.deps.logger.warn({ event: deadLetterEvent[row.channel], deliveryId: row.id, kind: row.kind }, "outbox message undeliverable");
  }
}

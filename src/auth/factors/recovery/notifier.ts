import { randomUUID } from "node:crypto";
import type { RequestMeta } from "../../../audit/audit-event";
import type { AuditLog } from "../../../audit/audit-log";
import type { Clock } from "../../../shared/clock";
import type { Logger } from "../../../shared/logger";
import type { NoticeSettings } from "../../../shared/settings";
import { PendingDeliveries, postSigned } from "../../../shared/signed-webhook";

export type RecoveryCodeNotice = { email: string; sub: string; codesLeft: number; at: Date };
export type PasskeyAddedNotice = { email: string; sub: string; nickname: string; at: Date };
/** The account's password was set: `CHANGED` with the current one (a signed-in session), `RESET` with an emailed code. */
export type PasswordChangedNotice = { email: string; sub: string; how: "CHANGED" | "RESET"; at: Date };
/**
 * How the account signs in changed in a way its owner must hear of: an authenticator was set up (a replaced or
 * a first one), a new set of recovery codes replaced the old one, an email change was undone (told to the
 * address the account was taken back from), or asked for again (told to the earlier addresses, without the
 * undo token, which goes to the address the change leaves alone: theirs is in their own notice).
 */
export type AccountChange = "AUTHENTICATOR_SET_UP" | "RECOVERY_CODES_GENERATED" | "EMAIL_CHANGE_UNDONE" | "EMAIL_CHANGE_REQUESTED" | "PASSKEY_REMOVED" | "PASSKEY_RENAMED";
export type AccountChangedNotice = { email: string; sub: string; change: AccountChange; at: Date };
/** To the OLD address: the account's email changed; the single-use token undoes it (undoEmailChange) until `undoUntil`. */
export type EmailChangedNotice = { email: string; sub: string; undoToken: string; undoUntil: Date; at: Date };

/**
 * Security notices to the account's owner: a recovery code was used, a passkey was added, the password was
 * changed or reset, the email changed (to the old address, with a way to undo it). Never delays nor fails the request. For 30 days after an
 * email change every notice also goes to the earlier addresses (see both-addresses.ts).
 */
export interface SecurityNotifier {
  /** Awaited in the step that made the change: a durable implementation keeps the notice in that step. */
  recoveryCodeUsed(notice: RecoveryCodeNotice, meta: RequestMeta): void | Promise<void>;
  passkeyAdded(notice: PasskeyAddedNotice, meta: RequestMeta): void | Promise<void>;
  passwordChanged(notice: PasswordChangedNotice, meta: RequestMeta): void | Promise<void>;
  accountChanged(notice: AccountChangedNotice, meta: RequestMeta): void | Promise<void>;
  emailChanged(notice: EmailChangedNotice, meta: RequestMeta): void | Promise<void>;
  /** Resolves when every notice handed over so far was delivered or dead-lettered (shutdown, tests). */
  settled(): Promise<void>;
}

const accountChangeText: Record<AccountChange, string> = {
  AUTHENTICATOR_SET_UP: "an authenticator app was set up for your account",
  RECOVERY_CODES_GENERATED: "new recovery codes were generated for your account (the old ones no longer work)",
  EMAIL_CHANGE_UNDONE: "your account's email address was changed back to the one it had before, with the link sent there; every passkey and recovery code of the account was revoked",
  EMAIL_CHANGE_REQUESTED: "your account's email address was changed again (the link in the first notice still undoes it)",
  PASSKEY_REMOVED: "a passkey was removed from your account, and your other sessions were signed out",
  PASSKEY_RENAMED: "a passkey of your account was renamed: tell your passkeys apart by when each was added; if you did not do this, reset your password (it takes every passkey back)",
};

/** Dev mode: the notice is printed, like cognito-local prints its codes; never in AWS mode (it carries the email). */
export const devMailNotifier: SecurityNotifier = {
  recoveryCodeUsed: ({ email, codesLeft, at }) => {
    process.stdout.write(`[dev mail] to ${email}: a recovery code was used to sign in at ${at.toISOString()}; ${codesLeft} left. Not you? Contact your administrator.\n`);
  },
  passkeyAdded: ({ email, nickname, at }) => {
    process.stdout.write(`[dev mail] to ${email}: a passkey ("${nickname}") was added to your account at ${at.toISOString()}. Not you? Contact your administrator.\n`);
  },
  passwordChanged: ({ email, how, at }) => {
    process.stdout.write(`[dev mail] to ${email}: your account's password was ${how === "RESET" ? "reset with an emailed code" : "changed"} at ${at.toISOString()}. Not you? Contact your administrator.\n`);
  },
  accountChanged: ({ email, change, at }) => {
    process.stdout.write(`[dev mail] to ${email}: ${accountChangeText[change]} at ${at.toISOString()}. Not you? Contact your administrator.\n`);
  },
  emailChanged: ({ email, undoToken, undoUntil, at }) => {
    process.stdout.write(`[dev mail] to ${email}: your account's email address was changed at ${at.toISOString()}. Not you? Undo it until ${undoUntil.toISOString()} without signing in: undoEmailChange(token: "${undoToken}").\n`);
  },
  settled: () => Promise.resolve(),
};

/** AWS mode without NOTICE_WEBHOOK_URL (start-up warns): the audit record (RECOVERY_CODE_LOGIN) is the only trace. */
export const noMailNotifier: SecurityNotifier = {
  recoveryCodeUsed: () => undefined,
  passkeyAdded: () => undefined,
  passwordChanged: () => undefined,
  accountChanged: () => undefined,
  emailChanged: () => undefined,
  settled: () => Promise.resolve(),
};

export type NoticeType = "RECOVERY_CODE_USED" | "PASSKEY_ADDED" | "PASSWORD_CHANGED" | "EMAIL_CHANGED" | AccountChange;

type Deps = { settings: NoticeSettings; audit: Pick<AuditLog, "record">; logger: Pick<Logger, "warn">; clock: Clock };

/**
 * Hands each notice to the product's mailer: a signed JSON POST to NOTICE_WEBHOOK_URL (the same signature
 * as emergency alerts), `{ type: "RECOVERY_CODE_USED", noticeId, email, codesLeft, at }` or `{ type:
 * "PASSKEY_ADDED", noticeId, email, nickname, at }` or `{ type: "PASSWORD_CHANGED", noticeId, email, how
 * ("CHANGED" | "RESET"), at }` or `{ type: "AUTHENTICATOR_SET_UP" | "RECOVERY_CODES_GENERATED" |
 * "EMAIL_CHANGE_UNDONE" | "EMAIL_CHANGE_REQUESTED" | "PASSKEY_REMOVED" | "PASSKEY_RENAMED", noticeId, email, at }` or `{ type: "EMAIL_CHANGED", noticeId, email (the old
 * address), undoToken, undoUntil, at }`, retried; one that
 * cannot be delivered leaves SECURITY_NOTICE_DEAD_LETTER in the audit trail (without the email).
 */
export class WebhookSecurityNotifier implements SecurityNotifier {
  private readonly deliveries = new PendingDeliveries();
  constructor(private readonly deps: Deps) {}

  recoveryCodeUsed(notice: RecoveryCodeNotice, meta: RequestMeta): void {
    this.send("RECOVERY_CODE_USED", notice.sub, { email: notice.email, codesLeft: notice.codesLeft, at: notice.at.toISOString() }, meta);
  }

  passkeyAdded(notice: PasskeyAddedNotice, meta: RequestMeta): void {
    this.send("PASSKEY_ADDED", notice.sub, { email: notice.email, nickname: notice.nickname, at: notice.at.toISOString() }, meta);
  }

  passwordChanged(notice: PasswordChangedNotice, meta: RequestMeta): void {
    this.send("PASSWORD_CHANGED", notice.sub, { email: notice.email, how: notice.how, at: notice.at.toISOString() }, meta);
  }

  accountChanged(notice: AccountChangedNotice, meta: RequestMeta): void {
    this.send(notice.change, notice.sub, { email: notice.email, at: notice.at.toISOString() }, meta);
  }

  emailChanged(notice: EmailChangedNotice, meta: RequestMeta): void {
    this.send("EMAIL_CHANGED", notice.sub, { email: notice.email, undoToken: notice.undoToken, undoUntil: notice.undoUntil.toISOString(), at: notice.at.toISOString() }, meta);
  }

  private send(type: NoticeType, sub: string, fields: Record<string, string | number>, meta: RequestMeta): void {
    const noticeId = randomUUID();
    this.deliveries.track(this.deliver(type, noticeId, JSON.stringify({ type, noticeId, ...fields }), sub, meta));
  }

  settled(): Promise<void> {
    return this.deliveries.settled();
  }

  private async deliver(type: NoticeType, noticeId: string, body: string, sub: string, meta: RequestMeta): Promise<void> {
    const { url, secret, retryDelaysMs } = this.deps.settings;
    const failure = await postSigned({ url, secret }, noticeId, body, { retryDelaysMs, clock: this.deps.clock });
    if (failure === undefined) return;
    await this.deps.audit
      .record(meta, { event: "SECURITY_NOTICE_DEAD_LETTER", outcome: "FAILURE", reason: failure, subject: sub, target: type })
      .catch(() => this.deps.logger.warn({ event: "SECURITY_NOTICE_DEAD_LETTER", noticeId, subject: sub }, "security notice undeliverable and not recorded"));
  }
}

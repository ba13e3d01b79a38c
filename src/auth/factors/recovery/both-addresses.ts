import type { RequestMeta } from "../../../audit/audit-event";
import type { Clock } from "../../../shared/clock";
import type { Logger } from "../../../shared/logger";
import { PendingDeliveries } from "../../../shared/signed-webhook";
import type { EmailChangeRecordStore } from "../../email-change/email-change-records";
import type { AccountChangedNotice, EmailChangedNotice, PasskeyAddedNotice, PasswordChangedNotice, RecoveryCodeNotice, SecurityNotifier } from "./notifier";

type Deps = { records: Pick<EmailChangeRecordStore, "previousAddresses">; clock: Clock; logger?: Pick<Logger, "warn"> | undefined };

/**
 * For 30 days after an email change every security notice also goes to the address the account had before
 * (to each, after several changes):
 * whoever moved the account to their own inbox must not be the only one to hear of what they do next.
 */
export class BothAddressesNotifier implements SecurityNotifier {
  private readonly lookups = new PendingDeliveries();
  constructor(
    private readonly inner: SecurityNotifier,
    private readonly deps: Deps,
  ) {}

  recoveryCodeUsed(notice: RecoveryCodeNotice, meta: RequestMeta): Promise<void> {
    return this.toBoth(notice, (to) => this.inner.recoveryCodeUsed(to, meta));
  }

  passkeyAdded(notice: PasskeyAddedNotice, meta: RequestMeta): Promise<void> {
    return this.toBoth(notice, (to) => this.inner.passkeyAdded(to, meta));
  }

  passwordChanged(notice: PasswordChangedNotice, meta: RequestMeta): Promise<void> {
    return this.toBoth(notice, (to) => this.inner.passwordChanged(to, meta));
  }

  /** An undone email change is told to the address taken back from alone (the earlier ones heard of the change). */
  accountChanged(notice: AccountChangedNotice, meta: RequestMeta): Promise<void> {
    if (notice.change === "EMAIL_CHANGE_UNDONE") return Promise.resolve(this.inner.accountChanged(notice, meta));
    return this.toBoth(notice, (to) => this.inner.accountChanged(to, meta));
  }

  /**
   * The undo token goes to the address the change leaves (the change itself is what it reports); the earlier
   * addresses hear that it changed again, without that token (their own notice has theirs).
   */
  async emailChanged(notice: EmailChangedNotice, meta: RequestMeta): Promise<void> {
    await this.inner.emailChanged(notice, meta);
    const again = { email: notice.email, sub: notice.sub, change: "EMAIL_CHANGE_REQUESTED" as const, at: notice.at };
    await this.toEarlier(again, (to) => this.inner.accountChanged(to, meta));
  }

  async settled(): Promise<void> {
    await this.lookups.settled();
    await this.inner.settled();
  }

  /** The current address in the caller's step (a durable notifier keeps it there); the previous one beside it, never failing the step. */
  private async toBoth<N extends { email: string; sub: string }>(notice: N, send: (notice: N) => void | Promise<void>): Promise<void> {
    await send(notice);
    await this.toEarlier(notice, send);
  }

  /** The earlier addresses but `notice.email`, never failing the step. */
  private async toEarlier<N extends { email: string; sub: string }>(notice: N, send: (notice: N) => void | Promise<void>): Promise<void> {
    const lookup = this.deps.records.previousAddresses(notice.sub, this.deps.clock.now()).then(
      async (previous) => {
        const others = previous.filter((email) => email.toLowerCase() !== notice.email.toLowerCase());
        // Each on its own: one that cannot be handed over does not keep the others from theirs.
        const sent = await Promise.allSettled(others.map(async (email) => send({ ...notice, email })));
        if (sent.some((result) => result.status === "rejected")) throw new Error("a notice to an earlier address was not handed over");
      },
    ).catch(() => this.deps.logger?.warn({ event: "SECURITY_NOTICE_PREVIOUS_ADDRESS", subject: notice.sub }, "notice to the previous address not handed over; sent to the current one only"));
    this.lookups.track(lookup);
    await lookup;
  }
}

import type { AccountChange, AccountChangedNotice, EmailChangedNotice, SecurityNotifier } from "../../src/auth/factors/recovery/notifier";

export type CapturedNotice = { type: "RECOVERY_CODE_USED" | "PASSKEY_ADDED" | "PASSWORD_CHANGED" | "EMAIL_CHANGED" | AccountChange; email: string; undoToken?: string };

/** Collects the owner notices a gateway sends, as its mailer would receive them (one per recipient). */
export class NoticeCapture implements SecurityNotifier {
  readonly notices: CapturedNotice[] = [];

  recoveryCodeUsed({ email }: { email: string }): void {
    this.notices.push({ type: "RECOVERY_CODE_USED", email });
  }

  passkeyAdded({ email }: { email: string }): void {
    this.notices.push({ type: "PASSKEY_ADDED", email });
  }

  passwordChanged({ email }: { email: string }): void {
    this.notices.push({ type: "PASSWORD_CHANGED", email });
  }

  accountChanged({ email, change }: AccountChangedNotice): void {
    this.notices.push({ type: change, email });
  }

  emailChanged({ email, undoToken }: EmailChangedNotice): void {
    this.notices.push({ type: "EMAIL_CHANGED", email, undoToken });
  }

  async settled(): Promise<void> {}

  to(email: string, type?: CapturedNotice["type"]): CapturedNotice[] {
    return this.notices.filter((n) => n.email.toLowerCase() === email.toLowerCase() && (type === undefined || n.type === type));
  }
}

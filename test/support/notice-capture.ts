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

/** A notice as `everyNoticeRecorder` heard it: the notifier method's name and what identifies the notice. */
export type HeardNotice = { type: string; email: string; nickname?: string; change?: string };

/** Records every notice, whatever its method: a new notice type counts as soon as it exists. */
export const everyNoticeRecorder = (): { notifier: SecurityNotifier; heard: HeardNotice[] } => {
  const heard: HeardNotice[] = [];
  const notifier = new Proxy({} as SecurityNotifier, {
    get: (_target, name) => {
      if (name === "settled") return () => Promise.resolve();
      if (name === "then") return undefined;
      return (notice: { email?: string; nickname?: string; change?: string }) => {
        heard.push({ type: String(name), email: notice?.email ?? "", ...(notice?.nickname !== undefined && { nickname: notice.nickname }), ...(notice?.change !== undefined && { change: notice.change }) });
      };
    },
  });
  return { notifier, heard };
};

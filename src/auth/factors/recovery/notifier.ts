/** Security notices to the account's owner (a recovery code was used). Production plugs in SES or the product's mailer. */
export interface SecurityNotifier {
  recoveryCodeUsed(notice: { email: string; codesLeft: number; at: Date }): Promise<void>;
}

/** Dev mode: the notice is printed, like cognito-local prints its codes; never in AWS mode (it carries the email). */
export const devMailNotifier: SecurityNotifier = {
  recoveryCodeUsed: async ({ email, codesLeft, at }) => {
    process.stdout.write(`[dev mail] to ${email}: a recovery code was used to sign in at ${at.toISOString()}; ${codesLeft} left. Not you? Contact your administrator.\n`);
  },
};

/** AWS mode until a mailer is configured: the audit record (RECOVERY_CODE_LOGIN) is the only trace; the email is never logged. */
export const noMailNotifier: SecurityNotifier = { recoveryCodeUsed: async () => undefined };

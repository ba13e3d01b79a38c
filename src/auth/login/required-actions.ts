import type { AuditEvent, RequestMeta } from "../../audit/audit-event";
import { ownerNotice } from "../../audit/audited";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import type { Lockout } from "../../policy/lockout";
import type { Passwords } from "../../policy/passwords";
import type { SecurityEpoch } from "../../policy/security-epoch";
import type { IdentityAdmin, IdentityProvider, ProviderAuthResult } from "../identity-provider";
import type { SessionRegistry } from "../session-registry";
import { signOutEverywhere } from "../sign-out-everywhere";
import type { Clock } from "../../shared/clock";

/**
 * Required actions (Keycloak's split): what an account must do during a login that is not proving who it is.
 * They are not factors and prove nothing; the login machine runs them at the stages its table gives them.
 *
 *   NEW_PASSWORD      NEW_PASSWORD_REQUIRED          an invited user's first password, before the factors
 *   CONFIGURE_TOTP    MFA_SETUP → MFA_SETUP_VERIFY    no authenticator yet, after a recovery code, or a replaced one
 *                                                     (the factor's own `setUp` does the provider work)
 *   UPDATE_PASSWORD   PASSWORD_EXPIRED               after both factors, when the access policy says it is owed
 */
export const requiredActions = {
  NEW_PASSWORD: ["NEW_PASSWORD_REQUIRED"],
  CONFIGURE_TOTP: ["MFA_SETUP", "MFA_SETUP_VERIFY"],
  UPDATE_PASSWORD: ["PASSWORD_EXPIRED"],
} as const;

export type RequiredActionDeps = {
  idp: Pick<IdentityProvider, "answerNewPasswordRequired" | "passwordAuth">;
  admin: Pick<IdentityAdmin, "setPassword">;
  passwords: Pick<Passwords, "assertAcceptable" | "recordSet">;
  lockout: Pick<Lockout, "guard">;
  epoch: Pick<SecurityEpoch, "bump">;
  sessions: Pick<SessionRegistry, "endAll">;
  /** The owner-notice channel as far as a password action needs it (factors/recovery/notifier.ts is the whole of it). */
  notifier: { passwordChanged(notice: { email: string; sub: string; how: "CHANGED"; at: Date }, meta: RequestMeta): void | Promise<void> };
  clock: Clock;
};

/** The provider work of the password actions; the machine takes their handles and decides what follows. */
export class PasswordActions {
  constructor(private readonly deps: RequiredActionDeps) {}

  /** NEW_PASSWORD: the invited user's first password; the provider's answer continues the login. */
  async setFirst(account: { sub: string; email: string; session: string }, newPassword: string): Promise<ProviderAuthResult> {
    const digest = await this.deps.passwords.assertAcceptable(account.sub, account.email, newPassword);
    const answer = await this.deps.idp.answerNewPasswordRequired(account.sub, account.session, newPassword);
    await this.deps.passwords.recordSet(account.sub, digest);
    return answer;
  }

  /**
   * UPDATE_PASSWORD: the current password is proven again, whatever the login proved (a passkey alone reaches
   * this step without it, and whoever holds a passkey must not choose the next password). Then the new
   * password is set and every other session of the account ends (the old password may be known to someone
   * else). Returns how many sessions ended, and the notice's failure when it could not be handed over.
   */
  async replaceExpired(account: { sub: string; email: string }, currentPassword: string, newPassword: string, meta: RequestMeta): Promise<{ ended: number; notice: Partial<AuditEvent> }> {
    const { sub, email } = account;
    if (newPassword === currentPassword) throw new GatewayError(ErrorCode.PASSWORD_POLICY_VIOLATION, { rules: ["differentFromCurrent"] });
    const digest = await this.deps.passwords.assertAcceptable(sub, email, newPassword);
    // Any answer but a refusal proves the password (an MFA challenge is left unanswered); a wrong one counts like a failed login.
    await this.deps.lockout.guard(email, meta, () => this.deps.idp.passwordAuth(email, currentPassword));
    await this.deps.admin.setPassword(sub, newPassword);
    await this.deps.passwords.recordSet(sub, digest);
    const ended = await signOutEverywhere(this.deps, sub);
    // Like every password set, told to the owner; never failing the login (a failure is named in its audit record).
    const notice = await ownerNotice(() => this.deps.notifier.passwordChanged({ email, sub, how: "CHANGED", at: new Date(this.deps.clock.now()) }, meta));
    return { ended, notice };
  }
}

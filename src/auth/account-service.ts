import type { AuditEvent, RequestMeta } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import { audited, bestEffort, ownerNotice, reasons, type AuditedOptions } from "../audit/audited";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { CodeGuard } from "../policy/code-guard";
import type { Lockout } from "../policy/lockout";
import type { Passwords } from "../policy/passwords";
import type { SecurityEpoch } from "../policy/security-epoch";
import { atLeast, uniformAnswerFloorMs } from "../policy/uniform-time";
import type { Clock } from "../shared/clock";
import type { StateStore } from "../store/state-store";
import { updateAccount } from "./account-records";
import type { EmailChangeRecordStore } from "./email-change/email-change-records";
import type { FreshFactor, FreshFactorCheck } from "./factors/fresh-factor";
import type { SecurityNotifier } from "./factors/recovery/notifier";
import type { Caller } from "./identity";
import type { IdentityAdmin, IdentityProvider } from "./identity-provider";
import type { SessionRegistry, SessionSummary } from "./session-registry";
import { signOutEverywhere } from "./sign-out-everywhere";

export type AccountServiceDeps = {
  idp: IdentityProvider;
  admin: Pick<IdentityAdmin, "globalSignOut" | "findSub">;
  store: StateStore;
  audit: Pick<AuditLog, "record">;
  sessions: SessionRegistry;
  lockout: Pick<Lockout, "guard" | "unlock">;
  epoch: Pick<SecurityEpoch, "bump">;
  passwords: Passwords;
  codes: CodeGuard;
  freshFactor: Pick<FreshFactorCheck, "prove">;
  resetCodes: Pick<EmailChangeRecordStore, "resetCodeAsked" | "resetCodesVoided">;
  /** A reset through the mailbox takes every passkey back: one may be a thief's, and it signs in without the password. */
  passkeys: { removeAll(sub: string): Promise<number> };
  /** The owner hears of every password set (and, for 30 days after an email change, the earlier addresses too). */
  notifier: Pick<SecurityNotifier, "passwordChanged">;
  clock: Clock;
  sessionMaxAgeSeconds: number;
  /** Tests only: how long the existence answers take at least (default uniformAnswerFloorMs). */
  answerFloorMs?: number | undefined;
};

/** Where it always was for its importers; defined beside Identity, which the factors' step-up also reads. */
export type { Caller };

/** The provider did not answer (or answered with something unforeseen): whether it acted is unknown. */
const isUnknownOutcome = (error: unknown): boolean => !(error instanceof GatewayError) || error.code === ErrorCode.SERVICE_UNAVAILABLE || error.code === ErrorCode.INTERNAL_SERVER_ERROR;

const subjectOf = ({ identity }: Caller): Pick<AuditEvent, "subject" | "sessionId"> => ({ subject: identity.sub, sessionId: identity.sessionId });

/** Self-service account management: passwords, profile, email, sessions. */
export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  private run<T>(meta: RequestMeta, event: AuditEvent, operation: Parameters<typeof audited<T>>[3], options?: AuditedOptions): Promise<T> {
    return audited(this.deps.audit, meta, event, operation, options);
  }

  /** Always succeeds for the caller, in about the same time (no hint whether the account exists). */
  forgotPassword(email: string, meta: RequestMeta): Promise<void> {
    return atLeast(this.deps.answerFloorMs ?? uniformAnswerFloorMs, () =>
      this.run(meta, { event: "PASSWORD_RESET_REQUEST", outcome: "SUCCESS" }, async () => {
        // Taken before the provider sends the code: a code sent to an address an undo then took back counts as older.
        const askedAt = this.deps.clock.now();
        const audit = await bestEffort(() => this.deps.idp.forgotPassword(email), "RESET_REQUEST");
        // The new code supersedes any an email-change undo voided (the provider keeps only the newest).
        if (audit.reason === undefined) {
          const sub = await this.deps.admin.findSub(email).catch(() => undefined);
          if (sub) await this.deps.resetCodes.resetCodeAsked(sub, askedAt);
        }
        return { result: undefined, audit };
      }),
    );
  }

  /**
   * Cheap checks first: the code guard reserves an attempt (so a guesser over the limit costs nothing
   * more), then the rules; then one argon2 digest for the history — the same work for an unknown email, and
   * a hit keeps the attempt like a wrong code (the provider cannot check the code without spending it, so the
   * history answer comes first and would otherwise test passwords for anyone) —
   * and the provider, which answers CODE_MISMATCH alike for a wrong code and an unknown account. On
   * success every session and pending login of the account ends, every passkey is revoked, and a lockout
   * lifts: the code proved control of the mailbox, not of what a stolen session may have added.
   */
  confirmForgotPassword(email: string, code: string, newPassword: string, meta: RequestMeta): Promise<void> {
    // A floor as for forgotPassword: a known account's wrong code reads and writes its reset records, an unknown one's does not.
    return atLeast(this.deps.answerFloorMs ?? uniformAnswerFloorMs, () => this.resetPassword(email, code, newPassword, meta));
  }

  private resetPassword(email: string, code: string, newPassword: string, meta: RequestMeta): Promise<void> {
    return this.run(meta, { event: "PASSWORD_RESET", outcome: "SUCCESS" }, async () => {
      // Set once the provider accepted the new password: from then on the owner hears of it, whatever fails after.
      let accepted: string | undefined;
      const notice = () => (accepted === undefined ? Promise.resolve(undefined) : this.notifyPasswordSet({ email, sub: accepted, how: "RESET" }, meta));
      // Should a step after the provider's yes fail (PostgreSQL hung), the sessions still end: they live in Redis and
      // at the provider, and a thief's copy must not outlive the owner's reset. Passkeys need PostgreSQL: a new reset takes them.
      const onFailure = () => Promise.allSettled([notice(), accepted === undefined ? Promise.resolve() : this.endEverySession(accepted)]);
      const sub = await this.afterAccepted(onFailure, () => this.deps.codes.check(email, async () => {
        await this.deps.passwords.assertRules(email, newPassword);
        const known = await this.deps.admin.findSub(email);
        const digest = await this.deps.passwords.assertNotReused(known, newPassword);
        // Asked for before an undo of an email change: the code went to the address the owner took the account back
        // from. Refused after the digest, so its answer takes as long as any other wrong code's.
        if (known && (await this.deps.resetCodes.resetCodesVoided(known))) throw new GatewayError(ErrorCode.CODE_MISMATCH);
        const unmark = known ? await this.deps.passwords.markReset(known) : undefined;
        try {
          await this.deps.idp.confirmForgotPassword(email, code, newPassword);
        } catch (error) {
          // Refused (a wrong or expired code, the provider's own rules): nothing was reset. An unknown outcome
          // (the provider unreachable) keeps the mark: the reset may have happened.
          if (unmark && !isUnknownOutcome(error)) await unmark().catch(() => undefined);
          throw error;
        }
        accepted = known;
        if (known) await this.deps.passwords.recordSet(known, digest);
        return known;
      }));
      if (!sub) return { result: undefined };
      const revoked = await this.afterAccepted(onFailure, async () => {
        await this.deps.lockout.unlock(email, sub);
        // Before the sign-out, so that a passkey sign-in in flight meets both; the sign-out happens even if this fails.
        let passkeys = 0;
        try {
          passkeys = await this.deps.passkeys.removeAll(sub);
        } finally {
          await signOutEverywhere(this.deps, sub);
        }
        // Again after it: a registration that passed its session check before the sign-out is not kept either.
        return passkeys + (await this.deps.passkeys.removeAll(sub));
      });
      const noticeFailure = await notice();
      const providerSignOut = await bestEffort(() => this.deps.admin.globalSignOut(sub), "PROVIDER_SIGN_OUT");
      return { result: undefined, audit: { subject: sub, ...reasons(`PASSKEYS_REVOKED:${revoked}`, noticeFailure, providerSignOut.reason) } };
    });
  }

  /** Every session at the gateway and the provider's tokens, best effort each: what a failed reset still owes. */
  private async endEverySession(sub: string): Promise<void> {
    await signOutEverywhere(this.deps, sub).catch(() => undefined);
    await this.deps.admin.globalSignOut(sub).catch(() => undefined);
  }

  /** Runs `step`; should it fail once the password was set, the owner still hears of the new password. */
  private async afterAccepted<T>(notice: () => Promise<unknown>, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      await notice();
      throw error;
    }
  }

  /**
   * Changes the password and ends the caller's other sessions and pending logins; this one stays signed in.
   * The current password and a fresh second factor, both in this request: a stolen token knows neither.
   */
  changePassword(caller: Caller, currentPassword: string, newPassword: string, factor: FreshFactor | undefined, meta: RequestMeta): Promise<void> {
    return this.run(meta, { event: "PASSWORD_CHANGE", outcome: "SUCCESS", ...subjectOf(caller) }, async () => {
      const { sub, account } = caller.identity;
      if (newPassword === currentPassword) throw new GatewayError(ErrorCode.PASSWORD_POLICY_VIOLATION, { rules: ["differentFromCurrent"] });
      await this.deps.passwords.assertRules(account.email, newPassword);
      await this.deps.freshFactor.prove(caller, factor, meta);
      // Only after the factor: whether a password is one of the account's last ones (the current one included)
      // is the account's secret, and a stolen token must not learn it by guessing.
      const digest = await this.deps.passwords.assertNotReused(sub, newPassword);
      // A wrong current password counts towards the lockout like a failed login.
      await this.deps.lockout.guard(account.email, meta, () => this.deps.idp.changePassword(caller.accessToken, currentPassword, newPassword));
      const notice = () => this.notifyPasswordSet({ email: account.email, sub, how: "CHANGED" }, meta);
      const ended = await this.afterAccepted(notice, async () => {
        await this.deps.passwords.recordSet(sub, digest);
        return signOutEverywhere(this.deps, sub, caller.identity.sessionId);
      });
      return { result: undefined, audit: reasons(`OTHER_SESSIONS_ENDED:${ended}`, await notice()) };
    });
  }

  /**
   * After the password is set and the sessions ended (the notice can only follow the provider's yes): a notice
   * that cannot be handed over is named in the audit record, never undoes what already happened.
   */
  private async notifyPasswordSet(notice: { email: string; sub: string; how: "CHANGED" | "RESET" }, meta: RequestMeta): Promise<string | undefined> {
    const failed = await ownerNotice(() => this.deps.notifier.passwordChanged({ ...notice, at: new Date(this.deps.clock.now()) }, meta));
    return failed.reason;
  }

  updateProfile(caller: Caller, change: { givenName?: string | undefined; familyName?: string | undefined }, meta: RequestMeta): Promise<void> {
    return this.run(meta, { event: "PROFILE_UPDATE", outcome: "SUCCESS", ...subjectOf(caller) }, async () => {
      const attributes = { ...(change.givenName !== undefined && { given_name: change.givenName }), ...(change.familyName !== undefined && { family_name: change.familyName }) };
      if (Object.keys(attributes).length === 0) throw new GatewayError(ErrorCode.BAD_USER_INPUT, { fields: [{ field: "input", rules: ["notEmpty"] }] });
      await this.deps.idp.updateAttributes(caller.accessToken, attributes);
      await updateAccount(this.deps.store, caller.identity.sub, change, this.deps.sessionMaxAgeSeconds);
      return { result: undefined };
    });
  }

  sessions(caller: Caller, meta: RequestMeta): Promise<(SessionSummary & { current: boolean })[]> {
    return this.run(meta, { event: "SESSIONS_LIST", outcome: "SUCCESS", ...subjectOf(caller) }, async () => {
      const list = await this.deps.sessions.list(caller.identity.sub);
      return { result: list.map((s) => ({ ...s, current: s.id === caller.identity.sessionId })) };
    });
  }

  /** Ends every session of the caller, this one included, and signs out at the provider. */
  logoutEverywhere(caller: Caller, meta: RequestMeta): Promise<void> {
    return this.run(meta, { event: "LOGOUT_EVERYWHERE", outcome: "SUCCESS", ...subjectOf(caller) }, async () => {
      await signOutEverywhere(this.deps, caller.identity.sub);
      return { result: undefined, audit: await bestEffort(() => this.deps.idp.globalSignOut(caller.accessToken), "PROVIDER_SIGN_OUT") };
    }, { protected: true });
  }
}

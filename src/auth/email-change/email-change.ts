import type { AuditEvent, RequestMeta } from "../../audit/audit-event";
import type { AuditLog } from "../../audit/audit-log";
import { audited, bestEffort, ownerNotice, reasons, type Audited, type AuditedOptions } from "../../audit/audited";
import { ErrorCode, GatewayError, TokenRejection, tokenRejected } from "../../errors/error-codes";
import type { CodeGuard } from "../../policy/code-guard";
import type { SecurityEpoch } from "../../policy/security-epoch";
import { atLeast } from "../../policy/uniform-time";
import type { Clock } from "../../shared/clock";
import type { StateStore } from "../../store/state-store";
import type { Caller } from "../account-service";
import { accountKey, parseAccount, updateAccount } from "../account-records";
import type { FreshFactor, FreshFactorCheck } from "../factors/fresh-factor";
import type { SecurityNotifier } from "../factors/recovery/notifier";
import { AccountExistsError, type IdentityAdmin, type IdentityProvider } from "../identity-provider";
import type { SessionRegistry } from "../session-registry";
import { signOutEverywhere } from "../sign-out-everywhere";
import { undoWindowSeconds, type EmailChangeRecordStore } from "./email-change-records";
import { takeBackSince, takenBackReason, type TakeBackDeps } from "./take-back";
import { UndoLock } from "./undo-lock";

export type EmailChangeDeps = {
  idp: Pick<IdentityProvider, "updateAttributes" | "verifyEmail" | "getProfile">;
  admin: Pick<IdentityAdmin, "setEmail" | "globalSignOut" | "findSub" | "getUser">;
  store: StateStore;
  audit: Pick<AuditLog, "record">;
  codes: CodeGuard;
  freshFactor: Pick<FreshFactorCheck, "prove">;
  records: Pick<EmailChangeRecordStore, "changed" | "withdraw" | "notMoved" | "confirmable" | "closeChanges" | "peekUndo" | "takeUndo" | "retireLater" | "forgetPrevious" | "voidResetCodes">;
  notifier: Pick<SecurityNotifier, "emailChanged" | "accountChanged">;
  epoch: Pick<SecurityEpoch, "bump">;
  sessions: Pick<SessionRegistry, "endAll" | "isLive">;
  clock: Clock;
  /** What the undo takes away of the sign-in methods set while the address was elsewhere. */
  takeBack: TakeBackDeps;
  sessionMaxAgeSeconds: number;
  /** Tests only: the answer floor of a request (default emailChangeAnswerFloorMs). */
  answerFloorMs?: number | undefined;
};

/**
 * A request answers no sooner than this, whether the address was free (a provider lookup, records, the outbox,
 * the provider's update and its mail) or taken (no update): above the free path's time against real Cognito.
 */
const emailChangeAnswerFloorMs = 1000;

const undoRefused = () => new GatewayError(ErrorCode.CODE_EXPIRED, { reason: "UNDO_INVALID" }, "This undo token is not valid (unknown, already used, or older than 7 days).");

/**
 * The account's email is its recovery channel (forgotPassword sends the reset code there), so changing it is
 * a takeover's first step: the request proves a fresh factor, the OLD address hears of it at once with a
 * single-use token that undoes the change for 7 days without signing in, and for 30 days every security
 * notice goes to both addresses.
 */
export class EmailChange {
  constructor(private readonly deps: EmailChangeDeps) {}

  private run<T>(meta: RequestMeta, event: AuditEvent, operation: () => Promise<Audited<T>>, options?: AuditedOptions): Promise<T> {
    return audited(this.deps.audit, meta, event, operation, options);
  }

  /**
   * The provider sends a code to the new address (the account may already carry it there: cognito-local moves it
   * at once). An address another account holds gets the same answer, in about the same time, and the same notice
   * to the old address, but nothing moves: the request must not tell whether an address has an account, and an
   * address belongs to one account (cognito-local does not refuse; real Cognito would answer AliasExists).
   */
  request(caller: Caller, newEmail: string, factor: FreshFactor | undefined, meta: RequestMeta): Promise<void> {
    const { identity } = caller;
    return atLeast(this.deps.answerFloorMs ?? emailChangeAnswerFloorMs, () =>
      this.run(meta, { event: "EMAIL_CHANGE_REQUEST", outcome: "SUCCESS", subject: identity.sub, sessionId: identity.sessionId }, async () => {
        await this.deps.freshFactor.prove(caller, factor, meta);
        const holder = await this.deps.admin.findSub(newEmail);
        const takenAddress = holder !== undefined && holder !== identity.sub;
        const oldEmail = identity.account.email;
        const changedAt = this.deps.clock.now();
        // The undo exists before the change can: whatever the provider does next, the old address can take it back.
        // A taken address moves nothing, but its undo is as real (ending sessions, taking back what was set since):
        // a token that undid nothing answered differently, and the requester holds the old address.
        const change = { sub: identity.sub, oldEmail, newEmail, changedAt, moved: !takenAddress };
        const undoToken = await this.deps.records.changed(change);
        // The session was checked when the request began: an undo that ended it since may have retired the
        // account's later changes before this one's record existed, and this token must not outlive that undo.
        if (!(await this.deps.sessions.isLive(identity.sessionId))) {
          await this.deps.records.withdraw(undoToken, change);
          throw tokenRejected(TokenRejection.TOKEN_REVOKED);
        }
        // The old address hears of it (the outbox keeps the notice) before the provider moves anything: a notice
        // that cannot be handed over stops the change, never the other way round.
        await this.deps.notifier.emailChanged({ email: oldEmail, sub: identity.sub, undoToken, undoUntil: new Date(changedAt + undoWindowSeconds * 1000), at: new Date(changedAt) }, meta);
        const taken = { result: undefined, audit: { outcome: "FAILURE" as const, reason: "EMAIL_TAKEN" } };
        if (takenAddress) return taken;
        try {
          await this.deps.idp.updateAttributes(caller.accessToken, { email: newEmail });
        } catch (error) {
          if (!(error instanceof AccountExistsError)) throw error;
          // Taken after all (the provider knew better): nothing moved, so nothing may be confirmed.
          await this.deps.records.notMoved(undoToken, change);
          return taken;
        }
        return { result: undefined };
      }),
    );
  }

  confirm(caller: Caller, code: string, meta: RequestMeta): Promise<void> {
    // A floor as for the request: a change that may not be confirmed is refused without the provider's round trip,
    // and how fast a refusal comes must not tell a prober whether the address it asked for was taken.
    return atLeast(this.deps.answerFloorMs ?? emailChangeAnswerFloorMs, () => this.confirmNow(caller, code, meta));
  }

  private confirmNow(caller: Caller, code: string, meta: RequestMeta): Promise<void> {
    const { identity } = caller;
    return this.run(meta, { event: "EMAIL_CHANGE", outcome: "SUCCESS", subject: identity.sub, sessionId: identity.sessionId }, async () => {
      // Under the undo's lock: a confirm whose provider call landed after an undo's setEmail would leave the
      // provider at the other address while the undo reports the owner's restored.
      const lock = await UndoLock.acquire(this.deps.store, identity.sub);
      try {
        await this.deps.codes.check(identity.sub, async () => {
          // The provider keeps the newest requested address pending until its code comes back, and neither an undo
          // nor a request to a taken address takes that back there: only the newest change, still open, moved and
          // requested after the last undo, is confirmed (else a refused code, alike for every reason).
          if (!(await this.deps.records.confirmable(identity.sub))) throw new GatewayError(ErrorCode.CODE_MISMATCH);
          await this.deps.idp.verifyEmail(caller.accessToken, code);
        });
      } finally {
        await lock.release().catch(() => undefined);
      }
      const profile = await this.deps.idp.getProfile(caller.accessToken);
      await updateAccount(this.deps.store, identity.sub, { email: profile.email, emailVerified: profile.emailVerified }, this.deps.sessionMaxAgeSeconds);
      return { result: undefined };
    });
  }

  /** The account's verified address at the provider, else the gateway's copy (the provider unreachable: the undo goes on). */
  private async verifiedAddress(sub: string): Promise<string | undefined> {
    const user = await this.deps.admin.getUser(sub).catch(() => undefined);
    if (user) return user.emailVerified ? user.email : undefined;
    return parseAccount(await this.deps.store.get(accountKey(sub)))?.email;
  }

  /**
   * Public (no sign-in): the token from the old address's notice restores that address (verified) and ends
   * every session and pending login of the account. Single use; refused alike when unknown, used or expired.
   */
  undo(token: string, meta: RequestMeta): Promise<void> {
    return this.run(meta, { event: "EMAIL_CHANGE_UNDO", outcome: "SUCCESS" }, async () => {
      const seen = await this.deps.records.peekUndo(token);
      if (!seen) throw undoRefused();
      // One undo of an account at a time, the lock taken before the token: a later change's token racing the
      // owner's must not land last.
      const lock = await UndoLock.acquire(this.deps.store, seen.sub);
      try {
        // Read again under the lock; the token is used up only once every step below is done, so a fault part
        // way (the provider, Redis or PostgreSQL down) leaves it for the owner to try again. Each step can run
        // twice: a retry starts over.
        const change = await this.deps.records.peekUndo(token);
        if (!change) throw undoRefused();
        // Whoever holds the address the account is taken back from hears of it: after a legitimate change the
        // undo token sits in the old mailbox, and its holder is not always the owner. The provider's verified
        // address (the gateway's copy lives only as long as a session may).
        const takenBackFrom = await this.verifiedAddress(change.sub);
        // From now on no change requested before this undo is confirmed (one in flight may still reach the provider).
        await this.deps.records.closeChanges(change.sub, this.deps.clock.now());
        // Before the address moves: a later change's token (in an inbox this undo goes back past) is void from
        // now on, and every session ends.
        await this.deps.records.retireLater(change);
        let ended = await signOutEverywhere(this.deps, change.sub);
        // The address first: from here on a reset code, a notice, a recovery goes to the owner.
        await lock.renew();
        await this.deps.admin.setEmail(change.sub, change.oldEmail);
        // A reset code the other address asked for before would choose the owner's password.
        await this.deps.records.voidResetCodes(change.sub, this.deps.clock.now());
        // Still this undo's: one that stalled past its lock must not take back what the owner set after another
        // undo finished (a password reset through the restored address looks like "a reset since the change").
        await lock.renew();
        const taken = await takeBackSince(this.deps.takeBack, change.sub, change.changedAt);
        // A sign-in made meanwhile with what was just taken back ends too, and a change requested meanwhile (its
        // record written after the first retire, by a session that has ended since) goes as well.
        ended += await signOutEverywhere(this.deps, change.sub);
        await this.deps.records.retireLater(change);
        // Only now: had a step failed, the addresses this undo goes back past would still be the account's.
        await this.deps.records.forgetPrevious(change);
        await lock.renew();
        await updateAccount(this.deps.store, change.sub, { email: change.oldEmail, emailVerified: true }, this.deps.sessionMaxAgeSeconds);
        // Used up last; under the lock no other undo of it can have run, so this finds it.
        await this.deps.records.takeUndo(token);
        let told: Partial<AuditEvent> = {};
        if (takenBackFrom !== undefined && takenBackFrom.toLowerCase() !== change.oldEmail.toLowerCase()) {
          const notice = { email: takenBackFrom, sub: change.sub, change: "EMAIL_CHANGE_UNDONE" as const, at: new Date(this.deps.clock.now()) };
          // Never holding the undo back; a notice that could not be handed over is named in the undo's audit record.
          told = await ownerNotice(() => this.deps.notifier.accountChanged(notice, meta));
        }
        const providerSignOut = await bestEffort(() => this.deps.admin.globalSignOut(change.sub), "PROVIDER_SIGN_OUT");
        return { result: undefined, audit: { subject: change.sub, ...reasons(`SESSIONS_ENDED:${ended}`, takenBackReason(taken), told.reason, providerSignOut.reason) } };
      } finally {
        await lock.release().catch(() => undefined);
      }
      // Taking an account back ends sessions and revokes sign-in methods: it never waits on the audit sink.
    }, { protected: true });
  }
}

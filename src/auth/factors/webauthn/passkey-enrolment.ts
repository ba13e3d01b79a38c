import type { AuditEvent, RequestMeta } from "../../../audit/audit-event";
import type { AuditLog } from "../../../audit/audit-log";
import { audited, ownerNotice, reasons, type Audited, type AuditedOptions } from "../../../audit/audited";
import { ErrorCode, GatewayError, TokenRejection, tokenRejected } from "../../../errors/error-codes";
import type { SecurityEpoch } from "../../../policy/security-epoch";
import type { Clock } from "../../../shared/clock";
import { randomHandle, sha256 } from "../../../shared/digest";
import type { StateStore } from "../../../store/state-store";
import type { Identity } from "../../identity";
import type { SessionRegistry } from "../../session-registry";
import type { SecurityNotifier } from "../recovery/notifier";
import type { Caller } from "../../identity";
import type { FreshFactor, FreshFactorCheck } from "../fresh-factor";
import type { PasskeyRecord, PasskeyStore } from "./passkey-store";
import type { RelyingParty } from "./relying-party";
import { refuse } from "./passkey-assertion";
import { signOutEverywhere } from "../../sign-out-everywhere";

const registrationKey = (sessionId: string) => `webauthn-reg:${sha256(sessionId)}`;

export type EnrolmentDeps = {
  passkeys: PasskeyStore;
  rp: RelyingParty;
  store: Pick<StateStore, "set" | "take">;
  audit: Pick<AuditLog, "record">;
  freshFactor: Pick<FreshFactorCheck, "prove">;
  notifier: Pick<SecurityNotifier, "passkeyAdded" | "accountChanged">;
  epoch: Pick<SecurityEpoch, "bump">;
  sessions: Pick<SessionRegistry, "endAll" | "isLive">;
  /** An email-change undo of the account is running (its take-back would miss what lands now). */
  undoRunning: (sub: string) => Promise<boolean>;
  clock: Clock;
  challengeTtlSeconds: number;
};

const notFound = () => new GatewayError(ErrorCode.NOT_FOUND, {}, "No such passkey.");

/**
 * A signed-in user's passkeys: enrolment and removal prove a fresh second factor in the request (step-up;
 * the registration challenge exists only after that proof, single use, for this session), a removal moves the account's security epoch on (pending logins end) and ends the
 * account's other sessions. TOTP stays enrolled (MFA is mandatory), so a passkey is never the last factor.
 */
export class PasskeyEnrolment {
  constructor(private readonly deps: EnrolmentDeps) {}

  private run<T>(meta: RequestMeta, event: AuditEvent, operation: () => Promise<Audited<T>>, options?: AuditedOptions): Promise<T> {
    return audited(this.deps.audit, meta, event, operation, options);
  }

  /**
   * Creation options (JSON for navigator.credentials.create) after a fresh factor; the challenge waits,
   * single use and for this session only, for completePasskeyRegistration: the proof covers this one ceremony.
   */
  begin(caller: Caller, factor: FreshFactor | undefined, meta: RequestMeta): Promise<string> {
    const { identity } = caller;
    return this.run(meta, { event: "PASSKEY_REGISTER_BEGIN", outcome: "SUCCESS", subject: identity.sub, sessionId: identity.sessionId }, async () => {
      await this.deps.freshFactor.prove(caller, factor, meta);
      const existing = await this.deps.passkeys.list(identity.sub);
      const userHandle = await this.deps.passkeys.userHandle(identity.sub, randomHandle());
      const options = await this.deps.rp.registrationOptions(userHandle, identity.account.email, existing);
      await this.deps.store.set(registrationKey(identity.sessionId), options.challenge, this.deps.challengeTtlSeconds);
      return { result: JSON.stringify(options) };
    });
  }

  complete(identity: Identity, response: string, nickname: string, meta: RequestMeta): Promise<PasskeyRecord> {
    const event: AuditEvent = { event: "PASSKEY_REGISTER", outcome: "SUCCESS", subject: identity.sub, sessionId: identity.sessionId };
    return this.run(meta, event, async () => {
      // Only a begin that proved a fresh factor left a challenge here.
      const challenge = await this.deps.store.take(registrationKey(identity.sessionId));
      if (challenge === undefined) throw new GatewayError(ErrorCode.SESSION_EXPIRED);
      const registered = await this.deps.rp.verifyRegistration(response, challenge).catch((error: unknown) => refuse(this.deps.audit, meta, event, error, ErrorCode.BAD_USER_INPUT));
      const record: PasskeyRecord = { ...registered, sub: identity.sub, nickname, createdAt: new Date(this.deps.clock.now()).toISOString(), lastUsedAt: undefined };
      if (!(await this.deps.passkeys.add(record))) throw new GatewayError(ErrorCode.ALREADY_EXISTS, {}, "This passkey is already registered.");
      try {
        // The session was checked when the request began; an undo or sign-out everywhere since took back only
        // the passkeys there were then.
        if (!(await this.deps.sessions.isLive(identity.sessionId)) || (await this.deps.undoRunning(identity.sub))) throw tokenRejected(TokenRejection.TOKEN_REVOKED);
        // No epoch move: an addition takes nothing away, and a stolen session adding again and again must not
        // refuse the owner's logins in flight (the owner's way to end it). The owner hears of it instead.
        await this.deps.notifier.passkeyAdded({ email: identity.account.email, sub: identity.sub, nickname, at: new Date(this.deps.clock.now()) }, meta);
      } catch (error) {
        // Not kept without its notice: the caller already holds the private key.
        await this.deps.passkeys.remove(record).catch(() => undefined);
        throw error;
      }
      return { result: record, audit: { target: sha256(record.id) }, undo: () => this.deps.passkeys.remove(record) };
    });
  }

  list(identity: Identity): Promise<PasskeyRecord[]> {
    return this.deps.passkeys.list(identity.sub);
  }

  /**
   * A name is how the owner tells which passkey to remove: a stolen session swapping two names would make the
   * owner's removal hit their own. So a rename proves a fresh factor, and the owner hears of it.
   */
  rename(caller: Caller, id: string, nickname: string, factor: FreshFactor | undefined, meta: RequestMeta): Promise<PasskeyRecord> {
    const { identity } = caller;
    return this.run(meta, { event: "PASSKEY_RENAME", outcome: "SUCCESS", subject: identity.sub, sessionId: identity.sessionId, target: sha256(id) }, async () => {
      const record = await this.deps.passkeys.find(id);
      if (record?.sub !== identity.sub) throw notFound();
      await this.deps.freshFactor.prove(caller, factor, meta);
      const renamed = { ...record, nickname };
      await this.deps.passkeys.update(renamed);
      return { result: renamed, audit: await this.tell(identity, "PASSKEY_RENAMED", meta) };
    });
  }

  /** The owner hears of the change; one that cannot be handed over is named in its audit record, never undoing it. */
  private async tell(identity: Identity, change: "PASSKEY_RENAMED" | "PASSKEY_REMOVED", meta: RequestMeta, reason?: string): Promise<Partial<AuditEvent>> {
    const told = await ownerNotice(() => this.deps.notifier.accountChanged({ email: identity.account.email, sub: identity.sub, change, at: new Date(this.deps.clock.now()) }, meta));
    return reasons(reason, told.reason);
  }

  /** Ends the account's other sessions: whoever held the removed passkey may have signed in with it. */
  remove(caller: Caller, id: string, factor: FreshFactor | undefined, meta: RequestMeta): Promise<void> {
    const { identity } = caller;
    return this.run(meta, { event: "PASSKEY_REMOVE", outcome: "SUCCESS", subject: identity.sub, sessionId: identity.sessionId, target: sha256(id) }, async () => {
      const record = await this.deps.passkeys.find(id);
      if (record?.sub !== identity.sub) throw notFound();
      // Removing a factor (and signing the owner out everywhere) is a credential change like adding one.
      await this.deps.freshFactor.prove(caller, factor, meta);
      assertNotLastFactor(identity.account.mfaEnabled, await this.deps.passkeys.list(identity.sub));
      await this.deps.passkeys.remove(record);
      const ended = await signOutEverywhere(this.deps, identity.sub, identity.sessionId);
      return { result: undefined, audit: await this.tell(identity, "PASSKEY_REMOVED", meta, `OTHER_SESSIONS_ENDED:${ended}`) };
    });
  }

  adminList(actor: string, sub: string, meta: RequestMeta): Promise<PasskeyRecord[]> {
    return this.run(meta, { event: "ADMIN_LIST_PASSKEYS", outcome: "SUCCESS", actor, subject: sub }, async () => ({ result: await this.deps.passkeys.list(sub) }));
  }

  /** An administrator's revocation (a lost or stolen device): every session of the account ends. */
  adminRemove(actor: string, sub: string, id: string, meta: RequestMeta): Promise<void> {
    return this.run(meta, { event: "ADMIN_REMOVE_PASSKEY", outcome: "SUCCESS", actor, subject: sub, target: sha256(id) }, async () => {
      const record = await this.deps.passkeys.find(id);
      if (record?.sub !== sub) throw notFound();
      await this.deps.passkeys.remove(record);
      const ended = await signOutEverywhere(this.deps, sub);
      return { result: undefined, audit: { reason: `SESSIONS_ENDED:${ended}` } };
      // A revocation (a stolen device) never waits on the audit sink: its record goes to the spool, like a disable.
    }, { protected: true });
  }
}

/** TOTP is mandatory and stays enrolled, so this only refuses when an account somehow has no TOTP. */
export const assertNotLastFactor = (totpEnrolled: boolean, passkeys: readonly PasskeyRecord[]): void => {
  if (!totpEnrolled && passkeys.length <= 1) throw new GatewayError(ErrorCode.FORBIDDEN, { reason: "LAST_FACTOR" }, "This is your last second factor; add another one first.");
};

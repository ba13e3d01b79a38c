import type { RequestMeta } from "../../../audit/audit-event";
import type { AuditLog } from "../../../audit/audit-log";
import { audited } from "../../../audit/audited";
import { TokenRejection, tokenRejected } from "../../../errors/error-codes";
import type { Clock } from "../../../shared/clock";
import type { SessionRegistry } from "../../session-registry";
import type { Identity } from "../../identity";
import type { Caller } from "../../identity";
import type { FreshFactor, FreshFactorCheck } from "../fresh-factor";
import type { RecoveryCodes } from "./recovery-codes";
import type { SecurityNotifier } from "./notifier";
import { recoveryCodesDisabled } from "./recovery-factor";

export type RecoveryDeps = {
  codes: Pick<RecoveryCodes, "generate" | "left" | "revokeGeneratedSince">;
  sessions: Pick<SessionRegistry, "isLive">;
  /** An email-change undo of the account is running (its take-back would miss what lands now). */
  undoRunning: (sub: string) => Promise<boolean>;
  clock: Clock;
  notifier: Pick<SecurityNotifier, "accountChanged">;
  /** False without CUSTOM_AUTH_PRIVATE_KEY (AWS mode without passkeys): a code could never be turned into tokens. */
  enabled: boolean;
  audit: Pick<AuditLog, "record">;
  freshFactor: Pick<FreshFactorCheck, "prove">;
};

/**
 * Recovery codes of a signed-in user: a new set, and how many are left. Answering the login's MFA step with a
 * code is the login machine's (recovery-factor.ts is what it asks).
 */
export class RecoveryService {
  constructor(private readonly deps: RecoveryDeps) {}

  /** Shown once; needs a fresh second factor in this request. A new set replaces the old one. */
  generate(caller: Caller, factor: FreshFactor | undefined, meta: RequestMeta): Promise<string[]> {
    const { identity } = caller;
    return audited(this.deps.audit, meta, { event: "RECOVERY_CODES_GENERATE", outcome: "SUCCESS", subject: identity.sub, sessionId: identity.sessionId }, async () => {
      if (!this.deps.enabled) throw recoveryCodesDisabled();
      await this.deps.freshFactor.prove(caller, factor, meta);
      const startedAt = this.deps.clock.now();
      const codes = await this.deps.codes.generate(identity.sub);
      try {
        // An undo or sign-out everywhere while the digests were made took back only the codes there were then.
        if (!(await this.deps.sessions.isLive(identity.sessionId)) || (await this.deps.undoRunning(identity.sub))) throw tokenRejected(TokenRejection.TOKEN_REVOKED);
        // No epoch move: a new set takes only the old codes away (each is checked when spent), and a stolen session
        // generating again and again must not refuse the owner's logins in flight. The owner hears of it instead.
        await this.deps.notifier.accountChanged({ email: identity.account.email, sub: identity.sub, change: "RECOVERY_CODES_GENERATED", at: new Date(this.deps.clock.now()) }, meta);
      } catch (error) {
        // Not kept unshown or unannounced: codes nobody saw must not count as a way back.
        await this.deps.codes.revokeGeneratedSince(identity.sub, startedAt - 1).catch(() => undefined);
        throw error;
      }
      return { result: codes };
    });
  }

  left(identity: Identity): Promise<number> {
    return this.deps.codes.left(identity.sub);
  }
}

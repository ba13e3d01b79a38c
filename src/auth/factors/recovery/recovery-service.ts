import type { AuditEvent, RequestMeta } from "../../../audit/audit-event";
import type { AuditLog } from "../../../audit/audit-log";
import { audited } from "../../../audit/audited";
import type { Lockout } from "../../../policy/lockout";
import type { SecurityEpoch } from "../../../policy/security-epoch";
import type { Clock } from "../../../shared/clock";
import { ErrorCode, GatewayError } from "../../../errors/error-codes";
import type { AuthOutcome } from "../../auth-outcome";
import type { Identity } from "../../identity";
import type { IdentityProvider } from "../../identity-provider";
import type { LoginHandles } from "../../login/login-handles";
import type { SessionRegistry } from "../../session-registry";
import type { Caller } from "../../account-service";
import type { FreshFactor, FreshFactorCheck } from "../fresh-factor";
import type { SecurityNotifier } from "./notifier";
import type { PasskeyStore } from "../webauthn/passkey-store";
import type { RecoveryCodes } from "./recovery-codes";
import { signOutEverywhere } from "../../sign-out-everywhere";

export type RecoveryDeps = {
  codes: RecoveryCodes;
  passkeys: Pick<PasskeyStore, "removeAll">;
  /** False without CUSTOM_AUTH_PRIVATE_KEY (AWS mode without passkeys): a code could never be turned into tokens. */
  enabled: boolean;
  audit: Pick<AuditLog, "record">;
  idp: Pick<IdentityProvider, "proofAuth">;
  handles: Pick<LoginHandles, "create" | "take">;
  lockout: Pick<Lockout, "guard">;
  epoch: Pick<SecurityEpoch, "start" | "mark" | "bump">;
  sessions: Pick<SessionRegistry, "endAll">;
  freshFactor: Pick<FreshFactorCheck, "prove">;
  notifier: SecurityNotifier;
  clock: Clock;
};

/**
 * Recovery codes: the way back after a lost phone, without an administrator. A code replaces the second
 * factor once and never yields tokens by itself: the login continues to MFA_SETUP (a new authenticator must
 * be enrolled before any token leaves), every other session and pending login of the account ends and its
 * passkeys are revoked (whoever has the phone may be signed in, or hold one), and the owner is notified.
 */
export class RecoveryService {
  constructor(private readonly deps: RecoveryDeps) {}

  /** Shown once; needs a fresh second factor in this request. A new set replaces the old one. */
  generate(caller: Caller, factor: FreshFactor | undefined, meta: RequestMeta): Promise<string[]> {
    const { identity } = caller;
    return audited(this.deps.audit, meta, { event: "RECOVERY_CODES_GENERATE", outcome: "SUCCESS", subject: identity.sub, sessionId: identity.sessionId }, async () => {
      this.assertEnabled();
      await this.deps.freshFactor.prove(caller, factor, meta);
      const codes = await this.deps.codes.generate(identity.sub);
      await this.deps.epoch.bump(identity.sub);
      return { result: codes };
    });
  }

  left(identity: Identity): Promise<number> {
    return this.deps.codes.left(identity.sub);
  }

  respond(handle: string, code: string, meta: RequestMeta): Promise<AuthOutcome> {
    const event: AuditEvent = { event: "RECOVERY_CODE_LOGIN", outcome: "CHALLENGE", reason: "MFA_SETUP" };
    return audited(this.deps.audit, meta, event, async () => {
      // Before the handle and the code are spent: the login can still continue with a TOTP code.
      this.assertEnabled();
      const state = await this.deps.handles.take(handle, "SOFTWARE_TOKEN_MFA");
      const sub = state.username;
      const giveBack = await this.deps.lockout.guard(state.email, meta, () => this.deps.codes.consume(sub, code));
      // Tokens first: a provider outage leaves the code, the passkeys and the sessions as they were.
      const tokens = await this.deps.idp.proofAuth(sub, "recovery-code").catch(async (error: unknown) => {
        await giveBack();
        throw error;
      });
      // Whoever has the lost phone may be signed in, or hold a passkey on it: both go.
      const revoked = await this.deps.passkeys.removeAll(sub);
      const ended = await signOutEverywhere(this.deps, sub);
      const mark = await this.deps.epoch.mark(sub, this.deps.epoch.start());
      const session = await this.deps.handles.create("SOFTWARE_TOKEN_MFA", {
        stage: "MFA_SETUP",
        email: state.email,
        username: sub,
        mark,
        proven: [...state.proven, "recovery-code"],
        via: { kind: "held", tokens },
      });
      const codesLeft = await this.deps.codes.left(sub);
      await this.deps.notifier.recoveryCodeUsed({ email: state.email, sub, codesLeft, at: new Date(this.deps.clock.now()) }, meta);
      return { result: { challenge: { name: "MFA_SETUP", session } }, audit: { subject: sub, reason: `MFA_SETUP;SESSIONS_ENDED:${ended};PASSKEYS_REVOKED:${revoked};CODES_LEFT:${codesLeft}` } };
    });
  }

  private assertEnabled(): void {
    if (!this.deps.enabled) throw new GatewayError(ErrorCode.FORBIDDEN, { reason: "RECOVERY_CODES_DISABLED" }, "Recovery codes are not enabled on this gateway.");
  }
}

import type { AuditLog } from "../../audit/audit-log";
import type { WebAuthnSettings } from "../../shared/settings";
import type { Lockout } from "../../policy/lockout";
import type { SecurityEpoch } from "../../policy/security-epoch";
import type { Clock } from "../../shared/clock";
import type { StateStore } from "../../store/state-store";
import type { SessionRegistry } from "../session-registry";
import type { EnrolledTotp } from "./enrolled-totp";
import { FreshFactorCheck } from "./fresh-factor";
import type { TotpCodeCheck } from "./totp";
import type { SecurityNotifier } from "./recovery/notifier";
import { RecoveryCodes } from "./recovery/recovery-codes";
import { RecoveryService } from "./recovery/recovery-service";
import { PasskeyEnrolment } from "./webauthn/passkey-enrolment";
import { PasskeyStepUp } from "./webauthn/passkey-step-up";
import { PasskeyStore } from "./webauthn/passkey-store";
import { RelyingParty } from "./webauthn/relying-party";

export type Passkeys = {
  enrolment: PasskeyEnrolment;
  recovery: RecoveryService;
  /** A fresh assertion inside a session (emergency access takes it instead of a TOTP code). */
  stepUp: PasskeyStepUp;
  /** The one step-up check (a fresh TOTP code or an answer to beginPasskeyStepUp) every sensitive change calls. */
  freshFactor: FreshFactorCheck;
  /** An administrator's MFA reset: every passkey of the account goes with the authenticator; returns how many. */
  revokeAll: (sub: string) => Promise<number>;
  /** What the webauthn and recovery-code factors are built on (factors.ts). */
  store: PasskeyStore;
  rp: RelyingParty;
  codes: RecoveryCodes;
};

type Deps = {
  settings: WebAuthnSettings | undefined;
  /** CUSTOM_AUTH_PRIVATE_KEY is set: a verified recovery code (or passkey) can be turned into Cognito tokens. */
  customAuth: boolean;
  store: StateStore;
  clock: Clock;
  audit: Pick<AuditLog, "record">;
  lockout: Pick<Lockout, "guard">;
  epoch: Pick<SecurityEpoch, "start" | "mark" | "bump">;
  sessions: Pick<SessionRegistry, "endAll" | "isLive">;
  /** An email-change undo of the account is running (email-change/undo-lock.ts). */
  undoRunning: (sub: string) => Promise<boolean>;
  totp: Pick<TotpCodeCheck, "standalone">;
  enrolledTotp: Pick<EnrolledTotp, "check">;
  notifier: SecurityNotifier;
  challengeTtlSeconds: number;
};

/** Passkeys and recovery codes of a signed-in user, wired: one credential store and one relying party. */
export const createPasskeys = (deps: Deps): Passkeys => {
  const passkeys = new PasskeyStore({ store: deps.store });
  const rp = new RelyingParty(deps.settings);
  const codes = new RecoveryCodes({ store: deps.store, clock: deps.clock });
  const common = { passkeys, rp, store: deps.store, audit: deps.audit, epoch: deps.epoch, clock: deps.clock, challengeTtlSeconds: deps.challengeTtlSeconds };
  const stepUp = new PasskeyStepUp({ ...common, lockout: deps.lockout });
  const freshFactor = new FreshFactorCheck({ totp: deps.totp, passkeys: stepUp, enrolledTotp: deps.enrolledTotp });
  return {
    enrolment: new PasskeyEnrolment({ ...common, freshFactor, sessions: deps.sessions, notifier: deps.notifier, undoRunning: deps.undoRunning }),
    recovery: new RecoveryService({ enabled: deps.customAuth, codes, audit: deps.audit, freshFactor, sessions: deps.sessions, clock: deps.clock, notifier: deps.notifier, undoRunning: deps.undoRunning }),
    stepUp,
    freshFactor,
    revokeAll: (sub) => passkeys.removeAll(sub),
    store: passkeys,
    rp,
    codes,
  };
};

import type { AuditLog } from "../../audit/audit-log";
import type { WebAuthnSettings } from "../../shared/settings";
import type { Lockout } from "../../policy/lockout";
import type { SecurityEpoch } from "../../policy/security-epoch";
import type { Clock } from "../../shared/clock";
import type { StateStore } from "../../store/state-store";
import type { PublicChallengeName } from "../auth-outcome";
import type { IdentityAdmin, IdentityProvider } from "../identity-provider";
import type { LoginHandles } from "../login/login-handles";
import type { TokenRelease } from "../login/token-release";
import type { SessionRegistry } from "../session-registry";
import type { EnrolledTotp } from "./enrolled-totp";
import { FreshFactorCheck } from "./fresh-factor";
import type { TotpCodeCheck } from "./totp";
import type { SecurityNotifier } from "./recovery/notifier";
import { RecoveryCodes } from "./recovery/recovery-codes";
import { RecoveryService } from "./recovery/recovery-service";
import { PasskeyEnrolment } from "./webauthn/passkey-enrolment";
import { PasskeyLogin } from "./webauthn/passkey-login";
import { PasskeyStepUp } from "./webauthn/passkey-step-up";
import { PasskeyStore } from "./webauthn/passkey-store";
import { RelyingParty } from "./webauthn/relying-party";

export type Passkeys = {
  enrolment: PasskeyEnrolment;
  recovery: RecoveryService;
  login: PasskeyLogin;
  /** A fresh assertion inside a session (emergency access takes it instead of a TOTP code). */
  stepUp: PasskeyStepUp;
  /** The one step-up check (a fresh TOTP code or an answer to beginPasskeyStepUp) every sensitive change calls. */
  freshFactor: FreshFactorCheck;
  /** An administrator's MFA reset: every passkey of the account goes with the authenticator; returns how many. */
  revokeAll: (sub: string) => Promise<number>;
  /** The login machine asks this after a password: WEBAUTHN is offered beside SOFTWARE_TOKEN_MFA. */
  alternatives: (sub: string) => Promise<PublicChallengeName[]>;
};

type Deps = {
  settings: WebAuthnSettings | undefined;
  /** CUSTOM_AUTH_PRIVATE_KEY is set: a verified recovery code (or passkey) can be turned into Cognito tokens. */
  customAuth: boolean;
  store: StateStore;
  clock: Clock;
  audit: Pick<AuditLog, "record">;
  idp: Pick<IdentityProvider, "proofAuth" | "verifySoftwareToken">;
  directory: Pick<IdentityAdmin, "getUser">;
  handles: Pick<LoginHandles, "create" | "take">;
  release: Pick<TokenRelease, "release">;
  lockout: Pick<Lockout, "guard">;
  epoch: Pick<SecurityEpoch, "start" | "mark" | "bump">;
  sessions: Pick<SessionRegistry, "endAll">;
  totp: Pick<TotpCodeCheck, "standalone">;
  enrolledTotp: Pick<EnrolledTotp, "check">;
  notifier: SecurityNotifier;
  challengeTtlSeconds: number;
};

/** The passkey factor, wired: one credential store and one relying party for enrolment and login. */
export const createPasskeys = (deps: Deps): Passkeys => {
  const passkeys = new PasskeyStore({ store: deps.store });
  const rp = new RelyingParty(deps.settings);
  const common = { passkeys, rp, store: deps.store, audit: deps.audit, epoch: deps.epoch, clock: deps.clock, challengeTtlSeconds: deps.challengeTtlSeconds };
  const stepUp = new PasskeyStepUp({ ...common, lockout: deps.lockout });
  const freshFactor = new FreshFactorCheck({ totp: deps.totp, passkeys: stepUp, enrolledTotp: deps.enrolledTotp });
  return {
    enrolment: new PasskeyEnrolment({ ...common, freshFactor, sessions: deps.sessions, notifier: deps.notifier }),
    recovery: new RecoveryService({ ...common, enabled: deps.customAuth, codes: new RecoveryCodes({ store: deps.store }), idp: deps.idp, handles: deps.handles, lockout: deps.lockout, sessions: deps.sessions, freshFactor, notifier: deps.notifier }),
    stepUp,
    freshFactor,
    login: new PasskeyLogin({ ...common, idp: deps.idp, directory: deps.directory, handles: deps.handles, release: deps.release, lockout: deps.lockout }),
    revokeAll: (sub) => passkeys.removeAll(sub),
    alternatives: async (sub) => (rp.enabled && (await passkeys.list(sub)).length > 0 ? ["WEBAUTHN"] : []),
  };
};

import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { AuditLog } from "../audit/audit-log";
import type { PolicySettings } from "../policy/policy-settings";
import type { AuditReader } from "../audit/review/audit-reader";
import { AuditReview } from "../audit/review/audit-review";
import type { WebAuthnSettings } from "../shared/settings";
import type { EmergencySettings } from "./emergency/emergency-grant";
import { EmergencyAccess } from "./emergency/emergency-access";
import type { EmergencyAlerts } from "./emergency/emergency-alerts";
import { EmergencyReviews } from "./emergency/emergency-reviews";
import { createLimiter } from "../policy/address-limiter";
import { CodeGuard, codeFailuresPerWindow } from "../policy/code-guard";
import { IdleTimeout } from "../policy/idle-timeout";
import { Lockout } from "../policy/lockout";
import { PasswordHistory } from "../policy/password-history";
import { PasswordRotation } from "../policy/password-rotation";
import { noBreachCheck, PwnedPasswordsRange } from "../policy/breached-passwords";
import { Passwords } from "../policy/passwords";
import { SecurityEpoch } from "../policy/security-epoch";
import type { Clock } from "../shared/clock";
import type { StateStore } from "../store/state-store";
import { AccountService } from "./account-service";
import { AdminService } from "./admin-service";
import { AuthService } from "./auth-service";
import { AccessStateReader } from "./access-state";
import { subForEmail } from "./account-records";
import { createPasskeys, type Passkeys } from "./factors/passkeys";
import { undoRunning } from "./email-change/undo-lock";
import { devMailNotifier, type SecurityNotifier } from "./factors/recovery/notifier";
import { BothAddressesNotifier } from "./factors/recovery/both-addresses";
import { EmailChange } from "./email-change/email-change";
import { EmailChangeRecords } from "./email-change/email-change-records";
import { EnrolledTotp } from "./factors/enrolled-totp";
import { TotpCodeCheck } from "./factors/totp";
import { createFactors } from "./factors/factors";
import type { FactorId } from "./factors/factor";
import { passkeyLoginEntries, recoveryCodeEntry, type PasskeyLoginEntries } from "./login/entries";
import { LoginHandles } from "./login/login-handles";
import { LoginMachine } from "./login/login-machine";
import { PasswordActions } from "./login/required-actions";
import { TokenRelease } from "./login/token-release";
import { hostedCompletion, type HostedCompletion } from "./login/hosted-release";
import type { IdentityAdmin, IdentityProvider } from "./identity-provider";
import { MfaEnrolment } from "./mfa-enrolment";
import type { OAuthLogin } from "./oauth/oauth-login";
import { SessionRegistry } from "./session-registry";
import { HeldTokens, type ClientTokensMode } from "./held-tokens";

export type ServiceDeps = {
  /** Factors whose feature is off (DISABLED_FEATURES): the login machine neither offers nor asks them. */
  factorsOff?: readonly FactorId[];
  idp: IdentityProvider;
  admin: IdentityAdmin;
  store: StateStore;
  clock: Clock;
  audit: Pick<AuditLog, "record">;
  challengeTtlSeconds: number;
  sessionMaxAgeSeconds: number;
  totpIssuer: string;
  /** Seals the gateway's copy of each enrolled TOTP secret (TOTP_SEAL_KEY). */
  totpSealKey: string;
  /** Tests only: the time a TOTP secret's codes are checked at (the emulator's clock for that secret). */
  totpTime?: ((secret: string) => number) | undefined;
  /** Tests only: how long the answers that must not reveal an account take at least (default uniformAnswerFloorMs). */
  answerFloorMs?: number | undefined;
  policy: PolicySettings;
  webauthn: WebAuthnSettings | undefined;
  /** Whether `idp` can answer Cognito's custom challenge (CUSTOM_AUTH_PRIVATE_KEY is set): recovery codes need it. */
  customAuth: boolean;
  /** Security notices by email (a recovery code was used); dev mode prints them. */
  notifier?: SecurityNotifier;
  /** Failed logins per client address (rate-limiter-flexible over the same memory or Redis). */
  loginFailuresByAddress: RateLimiterAbstract;
  /** Where audit review reads (the sink's own reader); none = review answers SERVICE_UNAVAILABLE. */
  auditReader?: AuditReader | undefined;
  emergency: { settings: EmergencySettings; alerts: EmergencyAlerts };
  /** CLIENT_TOKENS: handles for bearer clients (default), or the provider's own tokens (deprecated). */
  clientTokens?: ClientTokensMode | undefined;
  /** Access handles remembered in process (TOKEN_CACHE_SIZE); unset = 10000. */
  tokenCacheSize?: number | undefined;
};

export type Services = {
  auth: AuthService;
  mfa: MfaEnrolment;
  account: AccountService;
  emailChange: EmailChange;
  admin: AdminService;
  sessions: SessionRegistry;
  idle: IdleTimeout;
  passwords: Passwords;
  access: AccessStateReader;
  epoch: SecurityEpoch;
  /** The one token release, as hosted login (OAuth) uses it: the pool's own pages proved both factors. */
  completion: HostedCompletion;
  /** Hosted login (OAuth 2.0), when COGNITO_DOMAIN is configured (set by the composition root). */
  oauth?: OAuthLogin;
  auditReview: AuditReview;
  /** Passkey management, and the passkey and recovery-code doors of the login (the machine's). */
  passkeys: Passkeys & { login: PasskeyLoginEntries; recovery: Passkeys["recovery"] & ReturnType<typeof recoveryCodeEntry> };
  /** Owner notices as sent: for 30 days after an email change, to the earlier addresses as well. */
  notices: SecurityNotifier;
  emergency: { grants: EmergencyAccess; reviews: EmergencyReviews };
  /** The provider's tokens behind the handles bearer clients hold. */
  heldTokens: HeldTokens;
};

/** Activity is written at most this often per session (never more than a tenth of the timeout). */
const activityWriteInterval = (idleTimeoutSeconds: number) => Math.max(1, Math.min(60, Math.floor(idleTimeoutSeconds / 10)));

/** Wires the services and policies over one store, one set of challenge handles and one session registry. */
export const createServices = (deps: ServiceDeps): Services => {
  const { idp, admin, store, clock, audit, sessionMaxAgeSeconds, policy } = deps;
  const epoch = new SecurityEpoch({ store, clock });
  const handles = new LoginHandles({ store, clock, ttlSeconds: deps.challengeTtlSeconds, epoch });
  const sessions = new SessionRegistry({ store, clock, sessionMaxAgeSeconds });
  const idle = new IdleTimeout({ store, clock, idleTimeoutSeconds: policy.idleTimeoutSeconds, writeIntervalSeconds: activityWriteInterval(policy.idleTimeoutSeconds) });
  const lockout = new Lockout({
    store,
    audit,
    epoch,
    findSub: (email) => subForEmail(store, email),
    settings: { threshold: policy.lockoutThreshold, durationSeconds: policy.lockoutDurationSeconds },
    perAddress: deps.loginFailuresByAddress,
  });
  const passwords = new Passwords({
    history: new PasswordHistory({ store, size: policy.passwordHistorySize }),
    rotation: new PasswordRotation({ store, clock, maxAgeDays: policy.passwordMaxAgeDays }),
    breached: policy.breachedPasswordsUrl ? new PwnedPasswordsRange({ baseUrl: policy.breachedPasswordsUrl }) : noBreachCheck,
  });
  const codes = new CodeGuard(createLimiter(store, "code-failures", codeFailuresPerWindow, 15 * 60));
  const access = new AccessStateReader({ store, rotation: passwords.rotation, idle });
  const release = new TokenRelease({ idp, store, sessions, idle, lockout, rotation: passwords.rotation, epoch, sessionMaxAgeSeconds });
  const totp = new TotpCodeCheck({ store, lockout });
  const enrolledTotp = new EnrolledTotp({ store, clock, sealKey: deps.totpSealKey, totpTime: deps.totpTime });
  const emailChanges = new EmailChangeRecords({ store });
  const notifier = new BothAddressesNotifier(deps.notifier ?? devMailNotifier, { records: emailChanges, clock });
  const passkeys = createPasskeys({ settings: deps.webauthn, customAuth: deps.customAuth, store, clock, audit, lockout, epoch, sessions, totp, enrolledTotp, notifier, challengeTtlSeconds: deps.challengeTtlSeconds, undoRunning: undoRunning(store) });
  const { freshFactor } = passkeys;
  const factors = createFactors({
    totp: { codes: totp, enrolledTotp, idp, totpIssuer: deps.totpIssuer },
    webauthn: { passkeys: passkeys.store, rp: passkeys.rp, store, directory: admin, audit, idp, lockout, access, clock },
    recoveryCode: { codes: passkeys.codes, passkeys: passkeys.store, enabled: deps.customAuth, idp, lockout, epoch, sessions, notifier, clock },
  }).filter((factor) => !(deps.factorsOff ?? []).includes(factor.id));
  const actions = new PasswordActions({ idp, admin, passwords, lockout, epoch, sessions, notifier, clock });
  const machine = new LoginMachine({ idp, lockout, handles, epoch, access, sessions, factors, passwords: actions, release, passkeys: passkeys.store, notifier, clock });
  const { answerFloorMs } = deps;
  const flow = { idp, audit, machine, sessions, passwords, codes, access, store, epoch, answerFloorMs };
  const grants = new EmergencyAccess({ ...flow, clock, freshFactor, ...deps.emergency });
  return {
    sessions,
    idle,
    passwords,
    access,
    epoch,
    completion: hostedCompletion(machine),
    passkeys: { ...passkeys, login: passkeyLoginEntries({ machine, audit }), recovery: Object.assign(passkeys.recovery, recoveryCodeEntry({ machine, audit })) },
    notices: notifier,
    heldTokens: new HeldTokens({ store, clock, sessionMaxAgeSeconds, cacheEntries: deps.tokenCacheSize ?? 10_000, mode: deps.clientTokens }),
    auth: new AuthService(flow),
    mfa: new MfaEnrolment({ machine, audit }),
    account: new AccountService({ idp, admin, store, audit, sessions, lockout, passwords, codes, epoch, freshFactor, resetCodes: emailChanges, passkeys: passkeys.store, notifier, clock, sessionMaxAgeSeconds, answerFloorMs }),
    emailChange: new EmailChange({
      ...{ idp, admin, store, audit, codes, freshFactor, records: emailChanges, notifier, epoch, sessions, clock, sessionMaxAgeSeconds, answerFloorMs },
      takeBack: { rotation: passwords.rotation, enrolledTotp, recoveryCodes: passkeys.codes, passkeys: passkeys.store, admin },
    }),
    admin: new AdminService({ admin, store, audit, sessions, lockout, epoch, passkeys, freshFactor }),
    auditReview: new AuditReview({ reader: deps.auditReader, audit }),
    emergency: { grants, reviews: new EmergencyReviews({ ...flow, clock, grants, ...deps.emergency }) },
  };
};

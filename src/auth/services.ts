import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { AuditLog } from "../audit/audit-log";
import type { EmergencySettings, PolicySettings } from "../config";
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
import { TotpCodeCheck } from "./factors/totp";
import { LoginHandles } from "./login/login-handles";
import { LoginMachine } from "./login/login-machine";
import { TokenRelease } from "./login/token-release";
import type { IdentityAdmin, IdentityProvider } from "./identity-provider";
import { MfaEnrolment } from "./mfa-enrolment";
import { SessionRegistry } from "./session-registry";

export type ServiceDeps = {
  idp: IdentityProvider;
  admin: IdentityAdmin;
  store: StateStore;
  clock: Clock;
  audit: Pick<AuditLog, "record">;
  challengeTtlSeconds: number;
  sessionMaxAgeSeconds: number;
  totpIssuer: string;
  policy: PolicySettings;
  /** Failed logins per client address (rate-limiter-flexible over the same memory or Redis). */
  loginFailuresByAddress: RateLimiterAbstract;
  emergency: { settings: EmergencySettings; alerts: EmergencyAlerts };
};

export type Services = {
  auth: AuthService;
  mfa: MfaEnrolment;
  account: AccountService;
  admin: AdminService;
  sessions: SessionRegistry;
  idle: IdleTimeout;
  passwords: Passwords;
  access: AccessStateReader;
  epoch: SecurityEpoch;
  emergency: { grants: EmergencyAccess; reviews: EmergencyReviews };
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
  const release = new TokenRelease({ idp, store, sessions, idle, lockout, rotation: passwords.rotation, epoch, handles, sessionMaxAgeSeconds });
  const machine = new LoginMachine({ store, handles, epoch });
  const totp = new TotpCodeCheck({ store, lockout, handles });
  const flow = { idp, admin, store, audit, handles, machine, release, sessions, lockout, passwords, codes, totp, epoch, access };
  const grants = new EmergencyAccess({ ...flow, clock, ...deps.emergency });
  return {
    sessions,
    idle,
    passwords,
    access,
    epoch,
    auth: new AuthService(flow),
    mfa: new MfaEnrolment({ ...flow, totpIssuer: deps.totpIssuer }),
    account: new AccountService({ idp, admin, store, audit, sessions, lockout, passwords, codes, epoch, sessionMaxAgeSeconds }),
    admin: new AdminService({ admin, store, audit, sessions, lockout, epoch }),
    emergency: { grants, reviews: new EmergencyReviews({ ...flow, clock, grants, ...deps.emergency }) },
  };
};

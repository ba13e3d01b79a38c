import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { AuditLog } from "../audit/audit-log";
import type { AuditReader } from "../audit/review/audit-reader";
import { AuditReview } from "../audit/review/audit-review";
import type { PolicySettings } from "../config";
import { createLimiter } from "../policy/address-limiter";
import { CodeGuard, codeFailuresPerWindow } from "../policy/code-guard";
import { IdleTimeout } from "../policy/idle-timeout";
import { Lockout } from "../policy/lockout";
import { PasswordHistory } from "../policy/password-history";
import { PasswordRotation } from "../policy/password-rotation";
import { Passwords } from "../policy/passwords";
import type { Clock } from "../shared/clock";
import type { StateStore } from "../store/state-store";
import { AccountService } from "./account-service";
import { AdminService } from "./admin-service";
import { AuthService } from "./auth-service";
import { ChallengeHandles } from "./challenge-handles";
import type { IdentityAdmin, IdentityProvider } from "./identity-provider";
import { LoginCompletion } from "./login-completion";
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
  /** Where audit review reads (the sink's own reader); none = review answers SERVICE_UNAVAILABLE. */
  auditReader?: AuditReader | undefined;
};

export type Services = {
  auth: AuthService;
  mfa: MfaEnrolment;
  account: AccountService;
  admin: AdminService;
  sessions: SessionRegistry;
  idle: IdleTimeout;
  passwords: Passwords;
  auditReview: AuditReview;
};

/** Activity is written at most this often per session (never more than a tenth of the timeout). */
const activityWriteInterval = (idleTimeoutSeconds: number) => Math.max(1, Math.min(60, Math.floor(idleTimeoutSeconds / 10)));

/** Wires the services and policies over one store, one set of challenge handles and one session registry. */
export const createServices = (deps: ServiceDeps): Services => {
  const { idp, admin, store, clock, audit, sessionMaxAgeSeconds, policy } = deps;
  const handles = new ChallengeHandles({ store, clock, ttlSeconds: deps.challengeTtlSeconds });
  const sessions = new SessionRegistry({ store, clock, sessionMaxAgeSeconds });
  const idle = new IdleTimeout({ store, clock, idleTimeoutSeconds: policy.idleTimeoutSeconds, writeIntervalSeconds: activityWriteInterval(policy.idleTimeoutSeconds) });
  const lockout = new Lockout({
    store,
    audit,
    settings: { threshold: policy.lockoutThreshold, durationSeconds: policy.lockoutDurationSeconds },
    perAddress: deps.loginFailuresByAddress,
  });
  const passwords = new Passwords({
    history: new PasswordHistory({ store, size: policy.passwordHistorySize }),
    rotation: new PasswordRotation({ store, clock, maxAgeDays: policy.passwordMaxAgeDays }),
  });
  const codes = new CodeGuard(createLimiter(store, "code-failures", codeFailuresPerWindow, 15 * 60));
  const completion = new LoginCompletion({ idp, store, sessions, idle, lockout, rotation: passwords.rotation, sessionMaxAgeSeconds });
  const flow = { idp, admin, store, audit, handles, sessions, completion, lockout, passwords, codes };
  return {
    sessions,
    idle,
    passwords,
    auth: new AuthService(flow),
    mfa: new MfaEnrolment({ ...flow, totpIssuer: deps.totpIssuer }),
    account: new AccountService({ idp, admin, store, audit, sessions, lockout, passwords, codes, sessionMaxAgeSeconds }),
    admin: new AdminService({ admin, store, audit, sessions, lockout }),
    auditReview: new AuditReview({ reader: deps.auditReader, audit }),
  };
};

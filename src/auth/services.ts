import type { AuditLog } from "../audit/audit-log";
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
};

export type Services = { auth: AuthService; mfa: MfaEnrolment; account: AccountService; admin: AdminService; sessions: SessionRegistry };

/** Wires the services over one store, one set of challenge handles and one session registry. */
export const createServices = (deps: ServiceDeps): Services => {
  const { idp, admin, store, clock, audit, sessionMaxAgeSeconds } = deps;
  const handles = new ChallengeHandles({ store, clock, ttlSeconds: deps.challengeTtlSeconds });
  const sessions = new SessionRegistry({ store, clock, sessionMaxAgeSeconds });
  const completion = new LoginCompletion({ idp, store, sessions, sessionMaxAgeSeconds });
  return {
    sessions,
    auth: new AuthService({ idp, store, audit, handles, sessions, completion }),
    mfa: new MfaEnrolment({ idp, store, audit, handles, sessions, completion, totpIssuer: deps.totpIssuer }),
    account: new AccountService({ idp, admin, store, audit, sessions, sessionMaxAgeSeconds }),
    admin: new AdminService({ admin, store, audit, sessions }),
  };
};

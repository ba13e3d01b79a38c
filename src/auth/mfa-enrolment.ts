import type { AuditEvent, RequestMeta } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import { audited, type Audited } from "../audit/audited";
import type { AuthOutcome, MfaEnrolment as Enrolment } from "./auth-outcome";
import type { Identity } from "./identity";
import type { LoginMachine } from "./login/login-machine";

export type MfaEnrolmentDeps = { machine: LoginMachine; audit: Pick<AuditLog, "record"> };

/**
 * TOTP enrolment's doors: at first login (MFA_SETUP) and when a signed-in user replaces their authenticator
 * (a fresh login through the provider, then the new secret is confirmed with completeMfaSetup, which starts a
 * new session). MFA can never be switched off. The steps are the login machine's (required action CONFIGURE_TOTP).
 */
export class MfaEnrolment {
  constructor(private readonly deps: MfaEnrolmentDeps) {}

  private run<T>(meta: RequestMeta, event: AuditEvent, operation: () => Promise<Audited<T>>): Promise<T> {
    return audited(this.deps.audit, meta, event, operation);
  }

  beginMfaSetup(handle: string, meta: RequestMeta): Promise<Enrolment> {
    return this.run(meta, { event: "MFA_SETUP_BEGIN", outcome: "SUCCESS" }, () => this.deps.machine.beginSetUp(handle));
  }

  completeMfaSetup(handle: string, code: string, meta: RequestMeta): Promise<AuthOutcome> {
    const event: AuditEvent = { event: "MFA_SETUP_COMPLETE", outcome: "SUCCESS" };
    return this.run(meta, event, () => this.deps.machine.completeSetUp(handle, code, meta, event));
  }

  resetMfa(identity: Identity, currentPassword: string, code: string, meta: RequestMeta): Promise<Enrolment> {
    const event: AuditEvent = { event: "MFA_RESET_BEGIN", outcome: "SUCCESS", subject: identity.sub, sessionId: identity.sessionId };
    return this.run(meta, event, () => this.deps.machine.reEnrol(identity, currentPassword, code, meta, event));
  }
}

import type { AuditEvent, RequestMeta } from "../../audit/audit-event";
import type { AuditLog } from "../../audit/audit-log";
import { audited } from "../../audit/audited";
import type { AuthOutcome } from "../auth-outcome";
import type { LoginMachine } from "./login-machine";

type Deps = { machine: LoginMachine; audit: Pick<AuditLog, "record"> };

/**
 * The passkey and recovery-code doors of the login: each audits its attempt and calls the machine, which
 * takes the handle, asks the factor and decides what follows.
 */
export const passkeyLoginEntries = ({ machine, audit }: Deps) => ({
  /** Request options and a single-use handle; the same shape for every email, known or not. */
  begin(email: string | undefined, meta: RequestMeta): Promise<{ options: string; session: string }> {
    const event: AuditEvent = { event: "PASSKEY_LOGIN_BEGIN", outcome: "SUCCESS" };
    return audited(audit, meta, event, () => machine.beginAlone(email, meta, event));
  },
  complete(session: string, response: string, meta: RequestMeta): Promise<AuthOutcome> {
    const event: AuditEvent = { event: "PASSKEY_LOGIN", outcome: "SUCCESS" };
    return audited(audit, meta, event, () => machine.answerAlone(session, response, meta, event));
  },
  /** After the password: the SOFTWARE_TOKEN_MFA handle becomes a WEBAUTHN one with the challenge to sign. */
  beginSecondFactor(handle: string, meta: RequestMeta): Promise<{ options: string; session: string }> {
    const event: AuditEvent = { event: "PASSKEY_MFA_BEGIN", outcome: "SUCCESS" };
    return audited(audit, meta, event, () => machine.challenge(handle, "webauthn", meta, event));
  },
  respondSecondFactor(handle: string, response: string, meta: RequestMeta): Promise<AuthOutcome> {
    const event: AuditEvent = { event: "PASSKEY_MFA", outcome: "SUCCESS" };
    return audited(audit, meta, event, () => machine.answer(handle, "webauthn", response, meta, event));
  },
});

export type PasskeyLoginEntries = ReturnType<typeof passkeyLoginEntries>;

/** A recovery code answering the MFA step: the login continues to a new authenticator, never to tokens. */
export const recoveryCodeEntry = ({ machine, audit }: Deps) => ({
  respond(handle: string, code: string, meta: RequestMeta): Promise<AuthOutcome> {
    const event: AuditEvent = { event: "RECOVERY_CODE_LOGIN", outcome: "CHALLENGE", reason: "MFA_SETUP" };
    return audited(audit, meta, event, () => machine.answer(handle, "recovery-code", code, meta, event));
  },
});

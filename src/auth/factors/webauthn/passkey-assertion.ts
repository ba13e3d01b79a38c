import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { AuditEvent, RequestMeta } from "../../../audit/audit-event";
import type { AuditLog } from "../../../audit/audit-log";
import { ErrorCode, GatewayError } from "../../../errors/error-codes";
import type { Lockout } from "../../../policy/lockout";
import type { Clock } from "../../../shared/clock";
import type { PasskeyRecord, PasskeyStore } from "./passkey-store";
import { PasskeyRefused, type Asserted, type RelyingParty } from "./relying-party";

/** A refused passkey answer as the lockout counts it: a bad credential, its reason kept for the audit trail. */
export const asBadCredential = (error: unknown): never => {
  if (error instanceof PasskeyRefused) throw new GatewayError(ErrorCode.INVALID_CREDENTIALS, {}, "The passkey was not accepted.", error);
  throw error;
};

/** Audits why an answer was refused (a cloned authenticator, another origin…) and answers with `code`. */
export const refuse = async (audit: Pick<AuditLog, "record">, meta: RequestMeta, event: AuditEvent, error: unknown, code: ErrorCode): Promise<never> => {
  const refusal = error instanceof PasskeyRefused ? error : error instanceof GatewayError && error.cause instanceof PasskeyRefused ? error.cause : undefined;
  if (!refusal) throw error;
  await audit.record(meta, { ...event, event: "PASSKEY_REFUSED", outcome: "FAILURE", reason: refusal.reason });
  throw new GatewayError(code, {}, code === ErrorCode.INVALID_CREDENTIALS ? "The passkey was not accepted." : undefined, refusal);
};

export type PasskeyAssertionDeps = {
  passkeys: Pick<PasskeyStore, "update">;
  rp: Pick<RelyingParty, "verifyAuthentication">;
  lockout: Pick<Lockout, "guard">;
  audit: Pick<AuditLog, "record">;
  clock: Clock;
};

/**
 * One assertion of a known credential, through the account lockout (reserve first), for every door that
 * takes a passkey (sign-in alone, second factor, step-up): a refusal is audited with its reason and answered
 * INVALID_CREDENTIALS; on success the new counter and the last use are stored, so a clone is caught next time.
 */
export const assertPasskey = async (
  deps: PasskeyAssertionDeps,
  assertion: { record: PasskeyRecord; email: string; response: AuthenticationResponseJSON; challenge: string },
  meta: RequestMeta,
  event: AuditEvent,
): Promise<Asserted> => {
  const { record, email, response, challenge } = assertion;
  const asserted = await deps.lockout
    .guard(email, meta, () => deps.rp.verifyAuthentication(response, challenge, record).catch(asBadCredential))
    .catch((error: unknown) => refuse(deps.audit, meta, event, error, ErrorCode.INVALID_CREDENTIALS));
  await deps.passkeys.update({ ...record, counter: asserted.newCounter, backedUp: asserted.backedUp, lastUsedAt: new Date(deps.clock.now()).toISOString() });
  return asserted;
};

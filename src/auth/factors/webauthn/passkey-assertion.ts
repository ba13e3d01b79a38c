import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { AuditEvent, RequestMeta } from "../../../audit/audit-event";
import type { AuditLog } from "../../../audit/audit-log";
import { ErrorCode } from "../../../errors/error-codes";
import type { Lockout } from "../../../policy/lockout";
import type { Clock } from "../../../shared/clock";
import { asBadCredential, refuse } from "./passkey-enrolment";
import type { PasskeyRecord, PasskeyStore } from "./passkey-store";
import type { Asserted, RelyingParty } from "./relying-party";

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

import { publicCodeOf } from "../errors/error-codes";
import type { AuditEvent, RequestMeta } from "./audit-event";
import type { AuditLog } from "./audit-log";

/** What an operation tells the audit log about itself, beyond its outcome. */
export type Audited<T> = { result: T; audit?: Partial<AuditEvent> };

/**
 * Runs an operation and writes its audit record (success or failure) before anything is returned to
 * the caller. If the record cannot be written, the caller gets SERVICE_UNAVAILABLE instead.
 */
export const audited = async <T>(audit: Pick<AuditLog, "record">, meta: RequestMeta, event: AuditEvent, run: () => Promise<Audited<T>>): Promise<T> => {
  let done: Audited<T>;
  try {
    done = await run();
  } catch (error) {
    await audit.record(meta, { ...event, outcome: "FAILURE", reason: publicCodeOf(error) });
    throw error;
  }
  await audit.record(meta, { ...event, ...done.audit });
  return done.result;
};

/**
 * For provider calls that follow an effect the gateway already applied (e.g. Cognito's global sign-out
 * after the gateway ended the sessions): their failure is recorded, not thrown.
 */
export const bestEffort = async (run: () => Promise<void>, label: string): Promise<Partial<AuditEvent>> => {
  try {
    await run();
    return {};
  } catch (error) {
    return { reason: `${label}_FAILED:${publicCodeOf(error)}` };
  }
};

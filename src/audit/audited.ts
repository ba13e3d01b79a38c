import { publicCodeOf } from "../errors/error-codes";
import type { AuditEvent, RequestMeta } from "./audit-event";
import type { AuditLog } from "./audit-log";

/**
 * What an operation tells the audit log about itself, beyond its outcome; `undo` reverses what it did
 * when the outcome record cannot be written (e.g. ends a session it opened), so a caller never holds the
 * effect of an operation whose outcome is missing from the trail.
 */
export type Audited<T> = { result: T; audit?: Partial<AuditEvent>; undo?: () => Promise<void> };

/**
 * Intent before effect: the operation's INTENT record (with the request id) is written first — if it
 * cannot be, nothing runs and the caller gets SERVICE_UNAVAILABLE. Then the operation runs, and its
 * outcome (SUCCESS, CHALLENGE or FAILURE with the public code) is written before anything is returned.
 */
export const audited = async <T>(audit: Pick<AuditLog, "record">, meta: RequestMeta, event: AuditEvent, run: () => Promise<Audited<T>>): Promise<T> => {
  await audit.record(meta, { ...event, outcome: "INTENT" });
  let done: Audited<T>;
  try {
    done = await run();
  } catch (error) {
    await audit.record(meta, { ...event, outcome: "FAILURE", reason: publicCodeOf(error) });
    throw error;
  }
  try {
    await audit.record(meta, { ...event, ...done.audit });
  } catch (error) {
    await done.undo?.().catch(() => undefined);
    throw error;
  }
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

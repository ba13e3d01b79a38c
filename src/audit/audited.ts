import { ErrorCode, GatewayError, publicCodeOf } from "../errors/error-codes";
import type { AuditEvent, RequestMeta } from "./audit-event";
import type { AuditLog, OutcomeWritten } from "./audit-log";

/**
 * What an operation tells the audit log about itself, beyond its outcome; `undo` reverses what it did
 * when the outcome record cannot be written (e.g. ends a session it opened), so a caller never holds the
 * effect of an operation whose outcome is missing from the trail.
 */
export type Audited<T> = { result: T; audit?: Partial<AuditEvent>; undo?: () => Promise<void> };

/** `protected`: ending a session, disabling, locking — its records never wait on the audit sink (spool). */
export type AuditedOptions = { protected?: boolean };

type AuditWriter = Pick<AuditLog, "record"> & Partial<Pick<AuditLog, "recordOutcome" | "recordProtected">>;

const outcomeOf = async (audit: AuditWriter, meta: RequestMeta, event: AuditEvent): Promise<OutcomeWritten> => {
  if (audit.recordOutcome) return audit.recordOutcome(meta, event);
  return audit.record(meta, event).then(
    () => "written" as const,
    () => "lost" as const,
  );
};

/**
 * Intent before effect: the operation's INTENT record (with the request id) is written first — if it
 * cannot be, nothing runs and the caller gets SERVICE_UNAVAILABLE. Then the operation runs, and its
 * outcome (SUCCESS, CHALLENGE or FAILURE with the public code) is written before anything is returned.
 *
 * An answer never contradicts what happened: an outcome the sink cannot take goes to the local spool and
 * the client is told the truth. Only when the spool refuses too: an operation with `undo` is undone (and
 * the trail says so, if anything can still write it) and answers SERVICE_UNAVAILABLE; one without keeps
 * its effect and answers it (the INTENT is in the trail; the lost outcome is counted in a metric).
 */
export const audited = async <T>(audit: AuditWriter, meta: RequestMeta, event: AuditEvent, run: () => Promise<Audited<T>>, options: AuditedOptions = {}): Promise<T> => {
  const intent = { ...event, outcome: "INTENT" as const };
  if (options.protected && audit.recordProtected) await audit.recordProtected(meta, intent);
  else await audit.record(meta, intent);
  let done: Audited<T>;
  try {
    done = await run();
  } catch (error) {
    // The operation failed: its answer is that error, whether or not the failure record lands.
    await outcomeOf(audit, meta, { ...event, outcome: "FAILURE", reason: publicCodeOf(error) });
    throw error;
  }
  const written = await outcomeOf(audit, meta, { ...event, ...done.audit });
  if (written !== "lost" || !done.undo) return done.result;
  await done.undo().catch(() => undefined);
  await outcomeOf(audit, meta, { ...event, outcome: "FAILURE", reason: "UNDONE:AUDIT_UNAVAILABLE" });
  throw new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "AUDIT_UNAVAILABLE" });
};

/** Several findings in one audit `reason` (`;`-separated); none: no `reason` at all. */
export const reasons = (...parts: (string | undefined)[]): Pick<AuditEvent, "reason"> => {
  const found = parts.filter((part) => part !== undefined && part !== "");
  return found.length > 0 ? { reason: found.join(";") } : {};
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

/** An owner notice, never failing the change it tells of: one not handed over is named in the audit record (OWNER_NOTICE_FAILED:<code>). */
export const ownerNotice = (send: () => void | Promise<void>): Promise<Partial<AuditEvent>> => bestEffort(async () => send(), "OWNER_NOTICE");

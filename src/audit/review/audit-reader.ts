import { ErrorCode, GatewayError } from "../../errors/error-codes";
import type { AuditRecord } from "../audit-event";

/** What a review may ask for; every given condition must hold. */
export type AuditFilter = {
  subject?: string;
  actor?: string;
  /** One event type, or any of several. */
  events?: readonly string[];
  outcome?: string;
  /** Outcomes left out (e.g. INTENT records in a user's history). */
  excludeOutcomes?: readonly string[];
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
};

/** A stored record with a stable id (`stream:seq`, or the line number for a file). */
export type AuditEntry = AuditRecord & { id: string };

export type AuditPage = { entries: AuditEntry[]; endCursor: string | undefined; hasNextPage: boolean };

/** Newest first, opaque cursors. Implemented for PostgreSQL, the JSON Lines file and memory. */
export interface AuditReader {
  find(filter: AuditFilter, page: { first: number; after?: string }): Promise<AuditPage>;
}

/** Something that can read back what it wrote (the sinks that can). */
export type Readable = { reader(): AuditReader };
export const isReadable = (sink: object): sink is Readable => typeof (sink as Partial<Readable>).reader === "function";

export const encodeCursor = (position: unknown): string => Buffer.from(JSON.stringify(position), "utf8").toString("base64url");

/** Decodes a cursor this reader made; anything else is the caller's mistake, never echoed. */
export const decodeCursor = <T>(cursor: string, valid: (value: unknown) => value is T): T => {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (valid(value)) return value;
  } catch {
    // fall through
  }
  throw new GatewayError(ErrorCode.BAD_USER_INPUT, { fields: [{ field: "after", rules: ["cursor"] }] }, "The cursor is not valid.");
};

export const matches = (filter: AuditFilter, record: AuditRecord): boolean => {
  const time = Date.parse(record.time);
  return (
    (filter.subject === undefined || record.subject === filter.subject) &&
    (filter.actor === undefined || record.actor === filter.actor) &&
    (filter.events === undefined || filter.events.includes(record.event)) &&
    (filter.outcome === undefined || record.outcome === filter.outcome) &&
    !(filter.excludeOutcomes ?? []).includes(record.outcome) &&
    (filter.from === undefined || time >= filter.from.getTime()) &&
    (filter.to === undefined || time < filter.to.getTime())
  );
};

const isIndex = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;

/**
 * A reader over records held in order (the JSON Lines file, or memory in tests): a full scan, which is
 * fine for a development log; production review reads PostgreSQL.
 */
export class ListAuditReader implements AuditReader {
  constructor(private readonly load: () => Promise<readonly AuditRecord[]>) {}

  async find(filter: AuditFilter, page: { first: number; after?: string }): Promise<AuditPage> {
    const records = await this.load();
    let index = page.after === undefined ? records.length : decodeCursor(page.after, isIndex);
    const entries: AuditEntry[] = [];
    let hasNextPage = false;
    while (index > 0) {
      index -= 1;
      const record = records[index];
      if (record === undefined || !matches(filter, record)) continue;
      if (entries.length === page.first) {
        hasNextPage = true;
        break;
      }
      entries.push({ ...record, id: String(index + 1) });
    }
    const last = entries[entries.length - 1];
    return { entries, hasNextPage, endCursor: last === undefined ? undefined : encodeCursor(Number(last.id) - 1) };
  }
}

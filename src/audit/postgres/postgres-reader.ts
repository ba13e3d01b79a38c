import type { Pool } from "pg";
import type { AuditRecord } from "../audit-event";
import { decodeCursor, encodeCursor, type AuditEntry, type AuditFilter, type AuditPage, type AuditReader } from "../review/audit-reader";
import { auditTables } from "./sql";

type Position = [time: string, stream: string, seq: string];
const isPosition = (value: unknown): value is Position =>
  Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === "string") && !Number.isNaN(Date.parse(value[0] as string)) && /^\d{1,18}$/.test(value[2] as string);

type Row = { time: Date; stream: string; seq_text: string; record: AuditRecord };

/** Keyset paging over (time, stream, seq), newest first, on the indexed columns. */
export class PostgresAuditReader implements AuditReader {
  constructor(private readonly deps: { pool: Pick<Pool, "query">; schema: string }) {}

  async find(filter: AuditFilter, page: { first: number; after?: string }): Promise<AuditPage> {
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.subject !== undefined) where.push(`subject = ${param(filter.subject)}`);
    if (filter.actor !== undefined) where.push(`actor = ${param(filter.actor)}`);
    if (filter.events !== undefined) where.push(`event = ANY(${param(filter.events)}::text[])`);
    if (filter.outcome !== undefined) where.push(`outcome = ${param(filter.outcome)}`);
    if (filter.excludeOutcomes?.length) where.push(`outcome <> ALL(${param(filter.excludeOutcomes)}::text[])`);
    if (filter.from !== undefined) where.push(`time >= ${param(filter.from.toISOString())}`);
    if (filter.to !== undefined) where.push(`time < ${param(filter.to.toISOString())}`);
    if (page.after !== undefined) {
      const [time, stream, seq] = decodeCursor(page.after, isPosition);
      where.push(`(time, stream, seq) < (${param(time)}::timestamptz, ${param(stream)}, ${param(seq)}::bigint)`);
    }
    const { rows } = await this.deps.pool.query<Row>(
      `SELECT time, stream, seq::text AS seq_text, record FROM ${auditTables(this.deps.schema).events}
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY time DESC, stream DESC, seq DESC LIMIT ${param(page.first + 1)}`,
      params,
    );
    const entries: AuditEntry[] = rows.slice(0, page.first).map((row) => ({ ...row.record, id: `${row.stream}:${row.seq_text}` }));
    const last = rows[Math.min(rows.length, page.first) - 1];
    return {
      entries,
      hasNextPage: rows.length > page.first,
      endCursor: last === undefined ? undefined : encodeCursor([last.time.toISOString(), last.stream, last.seq_text]),
    };
  }
}

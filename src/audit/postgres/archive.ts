import type { Pool } from "pg";
import type { RequestMeta } from "../audit-event";
import type { AuditLog } from "../audit-log";
import { audited } from "../audited";
import { checkpointMac } from "./record-hash";
import { auditTables, ident } from "./sql";

export type ExpiredPartition = { name: string; from: Date; to: Date; rows: number };
export type ArchivePlan = { cutoff: Date; partitions: ExpiredPartition[]; applied: boolean };

const dayMs = 24 * 3600 * 1000;
const partitionName = /^audit_events_(\d{4})_(\d{2})$/;

/**
 * The monthly partitions whose whole range ends on or before now − retention: every record in them is
 * older than the retention. Anything younger is never listed.
 */
export const expiredPartitions = async (pool: Pick<Pool, "query">, schema: string, now: number, retentionDays: number): Promise<{ cutoff: Date; partitions: ExpiredPartition[] }> => {
  const cutoff = new Date(now - retentionDays * dayMs);
  const { rows } = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass($1) ORDER BY c.relname`,
    [auditTables(schema).events],
  );
  const partitions: ExpiredPartition[] = [];
  for (const { name } of rows) {
    const match = partitionName.exec(name);
    if (!match) continue;
    const [year, month] = [Number(match[1]), Number(match[2])];
    const from = new Date(Date.UTC(year, month - 1, 1));
    const to = new Date(Date.UTC(year, month, 1));
    if (to.getTime() > cutoff.getTime()) continue;
    const { rows: [count] } = await pool.query<{ rows: string; newest: Date | null }>(`SELECT count(*)::text AS rows, max(time) AS newest FROM ${ident(schema)}.${ident(name)}`);
    // The partition bounds already guarantee it; checked again because this is the one irreversible step.
    if (count?.newest && count.newest.getTime() >= cutoff.getTime()) throw new Error(`partition ${name} holds a record younger than the retention`);
    partitions.push({ name, from, to, rows: Number(count?.rows ?? 0) });
  }
  return { cutoff, partitions };
};

/**
 * Drops one expired partition, in one transaction: first an ARCHIVE checkpoint for the last record of
 * each stream in it (so `audit:verify` continues those chains from the checkpoint), then DETACH and DROP.
 * Needs the table owner's role: the gateway's role can neither DROP nor DELETE.
 */
const dropPartition = async (pool: Pick<Pool, "connect">, schema: string, partition: string, now: number, chainKey: string | undefined): Promise<void> => {
  const tables = auditTables(schema);
  const part = `${ident(schema)}.${ident(partition)}`;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // Sealed here, under the key the database never holds: a checkpoint's MAC cannot be computed in SQL.
    const { rows: tails } = await client.query<{ stream: string; seq: string; hash: string }>(`SELECT DISTINCT ON (stream) stream, seq::text AS seq, hash FROM ${part} ORDER BY stream, seq DESC`);
    for (const tail of tails) {
      const anchor = { stream: tail.stream, seq: Number(tail.seq), hash: tail.hash, kind: "ARCHIVE" };
      await client.query(`INSERT INTO ${tables.checkpoints} (stream, seq, hash, time, kind, mac) VALUES ($1, $2, $3, $4, 'ARCHIVE', $5) ON CONFLICT DO NOTHING`, [
        anchor.stream,
        anchor.seq,
        anchor.hash,
        new Date(now).toISOString(),
        chainKey === undefined ? null : checkpointMac(chainKey, anchor),
      ]);
    }
    await client.query(`ALTER TABLE ${tables.events} DETACH PARTITION ${part}`);
    await client.query(`DROP TABLE ${part}`);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
};

/** `audit:archive`: lists (dry run) or drops the expired partitions; the run itself is audited. */
export const archiveExpired = async (deps: {
  pool: Pick<Pool, "query" | "connect">;
  schema: string;
  audit: Pick<AuditLog, "record">;
  meta: RequestMeta;
  now: number;
  retentionDays: number;
  apply: boolean;
  /** AUDIT_CHAIN_KEY: seals the ARCHIVE checkpoints. */
  chainKey?: string | undefined;
}): Promise<ArchivePlan> =>
  audited(deps.audit, deps.meta, { event: "AUDIT_ARCHIVE", outcome: "SUCCESS", target: deps.apply ? "apply" : "dry-run" }, async () => {
    const { cutoff, partitions } = await expiredPartitions(deps.pool, deps.schema, deps.now, deps.retentionDays);
    if (deps.apply) for (const p of partitions) await dropPartition(deps.pool, deps.schema, p.name, deps.now, deps.chainKey);
    const rows = partitions.reduce((sum, p) => sum + p.rows, 0);
    return {
      result: { cutoff, partitions, applied: deps.apply },
      audit: { reason: `${deps.apply ? "DROPPED" : "WOULD_DROP"}:${partitions.length}_PARTITIONS:${rows}_RECORDS` },
    };
  });

import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Pool, PoolClient } from "pg";
import type { AuditRecord } from "../audit-event";
import type { AuditSink } from "../audit-log";
import { BatchQueue } from "../batch-queue";
import { genesisHash } from "../hash-chain";
import type { AuditReader } from "../review/audit-reader";
import type { Clock } from "../../shared/clock";
import { withDeadline } from "./deadline";
import { PostgresAuditReader } from "./postgres-reader";
import { checkpointMac, linkHash, linkMac } from "./record-hash";
import { auditTables } from "./sql";

export type PostgresSinkSettings = {
  schema: string;
  /** A write (or probe) that has not completed by then rejects: the operation fails closed. */
  writeTimeoutMs: number;
  /** A checkpoint is recorded after this many records of a stream… */
  checkpointRecords: number;
  /** …or with the first write this long after the previous checkpoint. */
  checkpointSeconds: number;
  /** AUDIT_CHAIN_KEY: every record and checkpoint is sealed with it (record-hash.ts); unset = unsealed (tests only). */
  chainKey?: string | undefined;
};

type StreamState = { id: string; seq: number; prevHash: string; anchoredSeq: number; anchoredAt: number };

const columns = ["time", "stream", "seq", "event", "outcome", "subject", "actor", "request_id", "ip", "prev_hash", "hash", "record", "mac"] as const;

/** One id per sink instance: readable (host) and unique (random), short enough for application_name. */
export const newInstanceId = (): string => `${hostname().replace(/[^\w.-]/g, "").slice(0, 32) || "gateway"}-${randomBytes(4).toString("hex")}`;

/**
 * Appends audit records to PostgreSQL, each hash-chained to the previous record of this instance's
 * stream (`stream`, `seq` 1, 2, …; the first carries 64 zeros). Records waiting together go in one
 * INSERT, in order. A stream never continues after a write whose outcome is unknown (timeout, lost
 * connection): the next write starts a new stream (`<instance>.<n+1>`), so a late commit can never fork
 * a chain. Checkpoints (stream, seq, hash) are written in the same statement as the batch that is due.
 */
export class PostgresAuditSink implements AuditSink {
  readonly instanceId: string;
  private generation = 0;
  private stream: StreamState;
  private readonly months = new Set<string>();
  private readonly queue = new BatchQueue<AuditRecord>((records) => this.append(records));
  private readonly tables: ReturnType<typeof auditTables>;
  private closing: Promise<void> | undefined;

  constructor(private readonly deps: { pool: Pool; clock: Clock; settings: PostgresSinkSettings; instanceId?: string; ownsPool?: boolean }) {
    this.instanceId = deps.instanceId ?? newInstanceId();
    this.tables = auditTables(deps.settings.schema);
    this.stream = this.nextStream();
  }

  /** The stream the next record goes to. */
  get streamId(): string {
    return this.stream.id;
  }

  private nextStream(): StreamState {
    this.generation += 1;
    return { id: `${this.instanceId}.${this.generation}`, seq: 0, prevHash: genesisHash, anchoredSeq: 0, anchoredAt: this.deps.clock.now() };
  }

  write(record: AuditRecord): Promise<void> {
    if (this.closing) return Promise.reject(new Error("audit sink closed"));
    return this.queue.push(record);
  }

  private async append(records: AuditRecord[]): Promise<void> {
    try {
      this.stream = await withDeadline(this.deps.pool, this.deps.settings.writeTimeoutMs, (client) => this.insert(client, records));
      this.lastWriteFailed = false;
    } catch (error) {
      this.lastWriteFailed = true;
      this.stream = this.nextStream();
      throw error;
    }
  }

  /** Readiness follows the writes: a failed one makes `check` prove a write again before it says ready. */
  private lastWriteFailed = false;

  private async insert(client: PoolClient, records: AuditRecord[]): Promise<StreamState> {
    const { id } = this.stream;
    let { seq, prevHash } = this.stream;
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const record of records) {
      // Hash what jsonb will give back: undefined fields dropped, as JSON.stringify does.
      // eslint-disable-next-line no-restricted-syntax -- not a stored record: this record itself, round-tripped on the hot path.
      const stored = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
      seq += 1;
      const hash = linkHash({ stream: id, seq, prevHash, record: stored });
      const row = [record.time, id, seq, record.event, record.outcome, record.subject ?? null, record.actor ?? null, record.requestId, record.ip, prevHash, hash, stored, this.mac({ stream: id, seq, hash })];
      tuples.push(`(${row.map((_, i) => `$${params.length + i + 1}${columns[i] === "record" ? "::jsonb" : ""}`).join(", ")})`);
      params.push(...row);
      prevHash = hash;
    }
    for (const record of records) {
      const month = record.time.slice(0, 7);
      if (this.months.has(month)) continue;
      await client.query(`SELECT ${this.tables.ensurePartition}($1)`, [record.time]);
      this.months.add(month);
    }
    const insert = `INSERT INTO ${this.tables.events} (${columns.join(", ")}) VALUES ${tuples.join(", ")}`;
    const now = this.deps.clock.now();
    const { settings } = this.deps;
    const due = seq - this.stream.anchoredSeq >= settings.checkpointRecords || now - this.stream.anchoredAt >= settings.checkpointSeconds * 1000;
    if (!due) {
      await client.query(insert, params);
      return { ...this.stream, seq, prevHash };
    }
    const at = params.length;
    params.push(id, seq, prevHash, new Date(now).toISOString(), this.checkpointMac({ stream: id, seq, hash: prevHash, kind: "PERIODIC" }));
    // A data-modifying WITH always runs to completion: both rows commit together, or neither.
    await client.query(`WITH batch AS (${insert}) INSERT INTO ${this.tables.checkpoints} (stream, seq, hash, time, kind, mac) VALUES ($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, 'PERIODIC', $${at + 5})`, params);
    return { ...this.stream, seq, prevHash, anchoredSeq: seq, anchoredAt: now };
  }

  private mac(link: { stream: string; seq: number; hash: string }): string | null {
    const key = this.deps.settings.chainKey;
    return key === undefined ? null : linkMac(key, link);
  }

  private checkpointMac(checkpoint: { stream: string; seq: number; hash: string; kind: string }): string | null {
    const key = this.deps.settings.chainKey;
    return key === undefined ? null : checkpointMac(key, checkpoint);
  }

  /** Readiness: the table answers for this role within the write deadline. */
  async check(): Promise<void> {
    if (!this.lastWriteFailed) {
      await withDeadline(this.deps.pool, this.deps.settings.writeTimeoutMs, (client) => client.query(`SELECT 1 FROM ${this.tables.events} LIMIT 0`));
      return;
    }
    // After a failed write, a connection probe is not enough (a full disk, a read-only failover, a revoked
    // grant all still answer SELECT): a real insert, rolled back, shows whether writes go through again.
    const probe: AuditRecord = { time: new Date(this.deps.clock.now()).toISOString(), requestId: "readiness-probe", ip: null, userAgent: null, event: "AUDIT_READ", outcome: "INTENT" };
    const monthsBefore = new Set(this.months);
    await withDeadline(this.deps.pool, this.deps.settings.writeTimeoutMs, async (client) => {
      await client.query("BEGIN");
      try {
        await this.insert(client, [probe]);
      } finally {
        await client.query("ROLLBACK");
        // A partition made inside the rolled-back probe is gone again: the next real write makes it.
        for (const month of this.months) if (!monthsBefore.has(month)) this.months.delete(month);
      }
    });
    this.lastWriteFailed = false;
  }

  reader(): AuditReader {
    return new PostgresAuditReader({ pool: this.deps.pool, schema: this.deps.settings.schema });
  }

  /** Waits for pending records, anchors the stream's tail (a CLOSE checkpoint), then closes the pool. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    await this.queue.idle();
    const { id, seq, prevHash, anchoredSeq } = this.stream;
    if (seq > anchoredSeq) {
      await withDeadline(this.deps.pool, this.deps.settings.writeTimeoutMs, (client) =>
        client.query(`INSERT INTO ${this.tables.checkpoints} (stream, seq, hash, time, kind, mac) VALUES ($1, $2, $3, $4, 'CLOSE', $5)`, [
          id,
          seq,
          prevHash,
          new Date(this.deps.clock.now()).toISOString(),
          this.checkpointMac({ stream: id, seq, hash: prevHash, kind: "CLOSE" }),
        ]),
        // Best effort: without it the tail is still chained, only not anchored; audit:verify says so.
      ).catch(() => {});
    }
    if (this.deps.ownsPool) await this.deps.pool.end();
  }
}

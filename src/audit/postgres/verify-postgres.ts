import type { Pool } from "pg";
import { genesisHash } from "../hash-chain";
import { checkpointMac, linkHash, linkMac } from "./record-hash";
import { auditTables } from "./sql";

/** ALTERED: a record was edited, removed from the middle, or reordered. TRUNCATED: the tail is gone. */
export type Problem = { kind: "ALTERED" | "TRUNCATED"; stream: string; seq: number; reason: string };
export type Anchor = { stream: string; seq: number; hash: string; kind: string };
export type StreamSummary = { stream: string; records: number; lastSeq: number; anchoredSeq: number };
export type PostgresReport = { ok: boolean; records: number; streams: StreamSummary[]; problems: Problem[] };

type Row = {
  stream: string; seq_text: string; prev_hash: string; hash: string; time: Date;
  event: string; outcome: string; subject: string | null; actor: string | null; request_id: string | null; ip: string | null;
  record: Record<string, unknown>; mac: string | null;
};

const columnsMatch = (row: Row): boolean => {
  const r = row.record;
  return (
    r["event"] === row.event && r["outcome"] === row.outcome && (r["subject"] ?? null) === row.subject && (r["actor"] ?? null) === row.actor &&
    (r["requestId"] ?? null) === row.request_id && (r["ip"] ?? null) === row.ip && typeof r["time"] === "string" && Date.parse(r["time"]) === row.time.getTime()
  );
};

/** Walks one stream's rows in order; remembers only what the checkpoints need. */
class StreamCheck {
  records = 0;
  lastSeq: number;
  lastHash: string;
  problem: Problem | undefined;
  private readonly hashes = new Map<number, string>();

  /** A stream is closed at its CLOSE checkpoint: nothing may follow it. */
  private readonly closedAt: number | undefined;

  constructor(readonly stream: string, private readonly anchors: Anchor[], private readonly chainKey?: string) {
    const closes = anchors.filter((a) => a.kind === "CLOSE").map((a) => a.seq);
    this.closedAt = closes.length > 0 ? Math.min(...closes) : undefined;
    // Records up to the last ARCHIVE checkpoint were dropped with their partition; the chain goes on from it.
    const archived = anchors.filter((a) => a.kind === "ARCHIVE").sort((a, b) => b.seq - a.seq)[0];
    this.lastSeq = archived?.seq ?? 0;
    this.lastHash = archived?.hash ?? genesisHash;
  }

  private fail(kind: Problem["kind"], seq: number, reason: string) {
    this.problem ??= { kind, stream: this.stream, seq, reason };
  }

  add(row: Row): void {
    if (this.problem) return;
    const seq = Number(row.seq_text);
    this.records += 1;
    if (this.closedAt !== undefined && seq > this.closedAt) return this.fail("ALTERED", seq, `a record after the stream's CLOSE checkpoint (seq ${this.closedAt})`);
    if (seq <= this.lastSeq) return this.fail("ALTERED", seq, "duplicate or out-of-order sequence number");
    if (seq > this.lastSeq + 1) return this.fail("ALTERED", seq, `records ${this.lastSeq + 1}..${seq - 1} are missing before it`);
    if (row.prev_hash !== this.lastHash) return this.fail("ALTERED", seq, "prevHash does not match the record before it");
    if (linkHash({ stream: row.stream, seq, prevHash: row.prev_hash, record: row.record }) !== row.hash) return this.fail("ALTERED", seq, "the record does not match its hash");
    if (!columnsMatch(row)) return this.fail("ALTERED", seq, "an indexed column differs from the record");
    if (this.chainKey !== undefined && row.mac !== linkMac(this.chainKey, { stream: row.stream, seq, hash: row.hash })) {
      return this.fail("ALTERED", seq, "the record is not sealed with the audit chain key (an unknown or forged stream)");
    }
    this.lastSeq = seq;
    this.lastHash = row.hash;
    if (this.anchors.some((a) => a.seq === seq)) this.hashes.set(seq, row.hash);
  }

  finish(): StreamSummary {
    let anchoredSeq = 0;
    for (const anchor of [...this.anchors].sort((a, b) => a.seq - b.seq)) {
      if (this.problem) break;
      if (anchor.kind === "ARCHIVE") {
        anchoredSeq = Math.max(anchoredSeq, anchor.seq);
      } else if (anchor.seq > this.lastSeq) {
        this.fail("TRUNCATED", this.lastSeq + 1, `a ${anchor.kind} checkpoint says the stream reached ${anchor.seq}; records ${this.lastSeq + 1}..${anchor.seq} are missing`);
      } else if (this.hashes.has(anchor.seq) && this.hashes.get(anchor.seq) !== anchor.hash) {
        this.fail("ALTERED", anchor.seq, `the record's hash differs from its ${anchor.kind} checkpoint`);
      } else if (this.hashes.has(anchor.seq)) {
        anchoredSeq = Math.max(anchoredSeq, anchor.seq);
      }
    }
    return { stream: this.stream, records: this.records, lastSeq: this.lastSeq, anchoredSeq };
  }
}

/**
 * Verifies every stream of the PostgreSQL audit trail: each row's hash, its link to the one before, no
 * gaps, indexed columns equal to the record, and every checkpoint (plus `external` anchors kept outside
 * the database) matched, nothing after a stream's CLOSE. Given `chainKey` (AUDIT_CHAIN_KEY), every record and
 * checkpoint must also carry its seal: a stream written by anyone without the key (the gateway's database
 * role included) is refused. Reads in pages, in (stream, seq) order.
 */
export const verifyPostgres = async (pool: Pick<Pool, "query">, schema: string, external: Anchor[] = [], options: { chainKey?: string | undefined } = {}): Promise<PostgresReport> => {
  const tables = auditTables(schema);
  const { chainKey } = options;
  const { rows: stored } = await pool.query<{ stream: string; seq: string; hash: string; kind: string; mac: string | null }>(`SELECT stream, seq::text AS seq, hash, kind, mac FROM ${tables.checkpoints}`);
  const streams: StreamSummary[] = [];
  const problems: Problem[] = [];
  const anchors = new Map<string, Anchor[]>();
  for (const c of stored) {
    const anchor = { stream: c.stream, seq: Number(c.seq), hash: c.hash, kind: c.kind };
    // With the key, a checkpoint nobody sealed is a forgery (a planted CLOSE or ARCHIVE): reported, not trusted.
    if (chainKey !== undefined && c.mac !== checkpointMac(chainKey, anchor)) {
      problems.push({ kind: "ALTERED", stream: c.stream, seq: anchor.seq, reason: `a ${c.kind} checkpoint is not sealed with the audit chain key (forged)` });
      continue;
    }
    anchors.set(anchor.stream, [...(anchors.get(anchor.stream) ?? []), anchor]);
  }
  for (const a of external) anchors.set(a.stream, [...(anchors.get(a.stream) ?? []), a]);

  const seen = new Set<string>();
  let current: StreamCheck | undefined;
  let records = 0;
  const close = () => {
    if (!current) return;
    streams.push(current.finish());
    if (current.problem) problems.push(current.problem);
  };
  let after: [string, string] = ["", "0"];
  for (;;) {
    const { rows } = await pool.query<Row>(
      `SELECT stream, seq::text AS seq_text, prev_hash, hash, time, event, outcome, subject, actor, request_id, ip, record, mac
       FROM ${tables.events} WHERE (stream, seq) > ($1, $2::bigint) ORDER BY stream, seq LIMIT 5000`,
      after,
    );
    for (const row of rows) {
      if (current?.stream !== row.stream) {
        close();
        seen.add(row.stream);
        current = new StreamCheck(row.stream, anchors.get(row.stream) ?? [], chainKey);
      }
      current.add(row);
      records += 1;
    }
    const last = rows[rows.length - 1];
    if (last === undefined) break;
    after = [last.stream, last.seq_text];
  }
  close();
  // Streams known only from their checkpoints: every record is gone, unless all were archived.
  for (const [stream, list] of anchors) {
    if (seen.has(stream)) continue;
    current = new StreamCheck(stream, list, chainKey);
    close();
  }
  return { ok: problems.length === 0, records, streams, problems };
};

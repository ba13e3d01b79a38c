import { createHash, createHmac } from "node:crypto";
import type { AuditRecord } from "../audit-event";

/**
 * JSON with object keys sorted at every level. PostgreSQL's jsonb reorders keys and drops whitespace,
 * so the hash is taken over this canonical form, which the verifier can rebuild from the stored jsonb.
 */
export const canonicalJson = (value: unknown): string => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JSON.stringify answers undefined for undefined, a function or a symbol, whatever its type says.
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
};

/** What is chained: the record's place in its stream, the hash before it, and the record itself. */
export type ChainLink = { stream: string; seq: number; prevHash: string; record: AuditRecord | Record<string, unknown> };

/** SHA-256 (hex) of a link; `npm run audit:verify` recomputes it for every row. */
export const linkHash = ({ stream, seq, prevHash, record }: ChainLink): string =>
  createHash("sha256").update(canonicalJson({ stream, seq, prevHash, record }), "utf8").digest("hex");

/**
 * The keyed seal of a chain link: HMAC-SHA256 (hex) under AUDIT_CHAIN_KEY, which the database never holds.
 * The hash chain alone shows a record was changed; anyone who can INSERT (the gateway's own role) can still
 * compute a whole new, self-consistent stream. Only the key holder can seal one, and `audit:verify`, given
 * the key, refuses every record and checkpoint whose seal does not match.
 */
export const linkMac = (key: string, link: { stream: string; seq: number; hash: string }): string =>
  createHmac("sha256", key).update(`authgw-audit-record-v1\n${link.stream}\n${link.seq}\n${link.hash}`, "utf8").digest("hex");

/** The keyed seal of a checkpoint (PERIODIC, CLOSE, ARCHIVE): a forged CLOSE or ARCHIVE cannot be planted either. */
export const checkpointMac = (key: string, checkpoint: { stream: string; seq: number; hash: string; kind: string }): string =>
  createHmac("sha256", key).update(`authgw-audit-checkpoint-v1\n${checkpoint.stream}\n${checkpoint.seq}\n${checkpoint.hash}\n${checkpoint.kind}`, "utf8").digest("hex");

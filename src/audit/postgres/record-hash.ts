import { createHash } from "node:crypto";
import type { AuditRecord } from "../audit-event";

/**
 * JSON with object keys sorted at every level. PostgreSQL's jsonb reorders keys and drops whitespace,
 * so the hash is taken over this canonical form, which the verifier can rebuild from the stored jsonb.
 */
export const canonicalJson = (value: unknown): string => {
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

import { ident } from "../../audit/postgres/sql";

/**
 * One table per record kind. A row is a scalar value (member = '') or one member of a set; lists are a JSON
 * array in `value`. `expires_at` keeps the state store's TTL contract (lasting records are written with
 * years), and a reader ignores an expired row exactly as Redis would.
 */
export const kindTable = (schema: string, kind: string): string => `
CREATE TABLE ${ident(schema)}.${ident(kind)} (
  key text NOT NULL,
  member text NOT NULL DEFAULT '',
  value text,
  expires_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key, member)
);`;

/** The kinds as they were when this migration was written: a migration never changes once applied somewhere. */
const firstKinds = ["passkeys", "recovery_codes", "password_records", "account_locks", "account_flags", "emergency_grants"];

export const lastingRecords = (schema: string): string => firstKinds.map((kind) => kindTable(schema, kind)).join("\n");

import { ident } from "../../audit/postgres/sql";

/**
 * Alerts and owner notices waiting for delivery. Written in the step that makes the grant or the notice; any
 * instance delivers (a lease keeps two from sending one at once); the body is cleared once delivered.
 */
export const outbox = (schema: string): string => `
CREATE TABLE ${ident(schema)}.outbox (
  id uuid PRIMARY KEY,
  channel text NOT NULL,
  kind text NOT NULL,
  subject text,
  grant_id text,
  body text,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_failure text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  dead_at timestamptz
);
CREATE INDEX outbox_due ON ${ident(schema)}.outbox (next_attempt_at) WHERE delivered_at IS NULL AND dead_at IS NULL;`;

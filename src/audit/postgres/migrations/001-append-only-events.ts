import { ident } from "../sql";

/**
 * The audit table, partitioned by month (UTC) so expired months can be archived as whole partitions;
 * the checkpoints table; and the triggers that make both append-only. Outcomes and event types are
 * plain text: the record shape may grow (new events, an INTENT outcome) without a migration.
 */
export const appendOnlyEvents = (schema: string): string => {
  const s = ident(schema);
  // A literal for format(): the schema name as a string constant inside the functions.
  const name = `'${schema.replace(/'/g, "''")}'`;
  return `
CREATE TABLE ${s}.audit_events (
  time        timestamptz NOT NULL,
  stream      text        NOT NULL,
  seq         bigint      NOT NULL CHECK (seq > 0),
  event       text        NOT NULL,
  outcome     text        NOT NULL,
  subject     text,
  actor       text,
  request_id  text,
  ip          text,
  prev_hash   text        NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash        text        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  record      jsonb       NOT NULL,
  PRIMARY KEY (stream, seq, time)
) PARTITION BY RANGE (time);

CREATE INDEX audit_events_time ON ${s}.audit_events (time DESC, stream DESC, seq DESC);
CREATE INDEX audit_events_subject ON ${s}.audit_events (subject, time DESC) WHERE subject IS NOT NULL;
CREATE INDEX audit_events_actor ON ${s}.audit_events (actor, time DESC) WHERE actor IS NOT NULL;
CREATE INDEX audit_events_event ON ${s}.audit_events (event, time DESC);
CREATE INDEX audit_events_outcome ON ${s}.audit_events (outcome, time DESC);
CREATE INDEX audit_events_request ON ${s}.audit_events (request_id);
CREATE INDEX audit_events_ip ON ${s}.audit_events (ip, time DESC) WHERE ip IS NOT NULL;

-- Anchors: the chain's state at a point (periodic, on close, and before an archived partition is dropped).
CREATE TABLE ${s}.audit_checkpoints (
  stream   text        NOT NULL,
  seq      bigint      NOT NULL,
  hash     text        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  time     timestamptz NOT NULL,
  kind     text        NOT NULL,
  PRIMARY KEY (stream, seq, kind)
);

CREATE FUNCTION ${s}.audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'audit records are append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$fn$;

-- Row triggers on a partitioned table are cloned onto every partition, present and future.
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON ${s}.audit_events
  FOR EACH ROW EXECUTE FUNCTION ${s}.audit_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON ${s}.audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.audit_refuse_change();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON ${s}.audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION ${s}.audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON ${s}.audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.audit_refuse_change();

-- Creates the month's partition when missing. SECURITY DEFINER: the gateway's role needs only EXECUTE,
-- not CREATE. Statement triggers are not cloned, so each partition gets its own TRUNCATE guard.
CREATE FUNCTION ${s}.audit_ensure_partition(at timestamptz) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  month timestamp := date_trunc('month', at AT TIME ZONE 'UTC');
  part  text := 'audit_events_' || to_char(month, 'YYYY_MM');
BEGIN
  IF to_regclass(format('%I.%I', ${name}, part)) IS NULL THEN
    PERFORM pg_advisory_xact_lock(hashtext(${name} || '.audit_partitions'));
    -- Another instance may have created it while this one waited (the lock does not refresh the
    -- catalog cache this function already read): then there is nothing to do.
    BEGIN
      EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.audit_events FOR VALUES FROM (%L) TO (%L)',
        ${name}, part, ${name}, month AT TIME ZONE 'UTC', (month + interval '1 month') AT TIME ZONE 'UTC');
      EXECUTE format('CREATE TRIGGER audit_partition_no_truncate BEFORE TRUNCATE ON %I.%I FOR EACH STATEMENT EXECUTE FUNCTION %I.audit_refuse_change()',
        ${name}, part, ${name});
    EXCEPTION WHEN duplicate_table OR unique_violation THEN
      NULL;
    END;
  END IF;
  RETURN part;
END
$fn$;
REVOKE ALL ON FUNCTION ${s}.audit_ensure_partition(timestamptz) FROM PUBLIC;
`;
};

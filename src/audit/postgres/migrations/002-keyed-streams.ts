import { ident } from "../sql";

/**
 * Keyed streams: a MAC column on records and checkpoints (filled by the sink under AUDIT_CHAIN_KEY; NULL on
 * rows written before this migration or without a key, which `audit:verify` with a key refuses), and an
 * `audit_ensure_partition` that the gateway's role can use only for the current and the next month (UTC):
 * as SECURITY DEFINER it used to create a partition for any month asked, as many as asked. The schema's
 * owner (a member of the function owner's role: `npm run migrate`, archive, operators) is not limited.
 */
export const keyedStreams = (schema: string): string => {
  const s = ident(schema);
  const name = `'${schema.replace(/'/g, "''")}'`;
  return `
ALTER TABLE ${s}.audit_events ADD COLUMN mac text CHECK (mac IS NULL OR mac ~ '^[0-9a-f]{64}$');
ALTER TABLE ${s}.audit_checkpoints ADD COLUMN mac text CHECK (mac IS NULL OR mac ~ '^[0-9a-f]{64}$');

CREATE OR REPLACE FUNCTION ${s}.audit_ensure_partition(at timestamptz) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  month      timestamp := date_trunc('month', at AT TIME ZONE 'UTC');
  this_month timestamp := date_trunc('month', now() AT TIME ZONE 'UTC');
  part       text := 'audit_events_' || to_char(month, 'YYYY_MM');
BEGIN
  IF to_regclass(format('%I.%I', ${name}, part)) IS NULL THEN
    -- current_user is the function's owner here; session_user is the caller.
    IF month <> this_month AND month <> this_month + interval '1 month' AND NOT pg_has_role(session_user, current_user, 'MEMBER') THEN
      RAISE EXCEPTION 'audit partition % refused: only the current and the next month are created on demand', to_char(month, 'YYYY-MM')
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext(${name} || '.audit_partitions'));
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

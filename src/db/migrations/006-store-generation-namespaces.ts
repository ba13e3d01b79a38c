import { ident } from "../../audit/postgres/sql";

/**
 * One generation per state-store namespace (the Redis key prefix). With one row for the whole schema, two
 * deployments sharing it under different prefixes (a REDIS_KEY_PREFIX change rolled out task by task) each saw
 * the other's advances as their own store falling behind, and wiped every session. The first check of a
 * namespace starts it from the schema-wide row (002), so an upgrade keeps the protection it had.
 */
export const storeGenerationNamespaces = (schema: string): string => `
CREATE TABLE ${ident(schema)}.store_generation_of (
  namespace text PRIMARY KEY,
  generation bigint NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);`;

import { ident } from "../../audit/postgres/sql";

/**
 * The state store's generation: advanced on every ended session and periodically, and mirrored in the store.
 * Numbers come from the sequence; `generation` is the highest one known to have reached the store.
 * A store whose marker is behind (an older snapshot) or missing (emptied) is detected and its sessions refused.
 */
export const storeGeneration = (schema: string): string => `
CREATE TABLE ${ident(schema)}.store_generation (
  id smallint PRIMARY KEY CHECK (id = 1),
  generation bigint NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO ${ident(schema)}.store_generation (id, generation) VALUES (1, 0);
CREATE SEQUENCE ${ident(schema)}.store_generation_numbers;`;

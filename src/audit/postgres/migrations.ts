import { migrationRunner, type Migration } from "../../shared/pg-migrations";
import { appendOnlyEvents } from "./migrations/001-append-only-events";
import { keyedStreams } from "./migrations/002-keyed-streams";
import { auditTables, ident } from "./sql";

/** Ordered, never edited once shipped: a change is a new entry. */
export const migrations: readonly Migration[] = [
  { id: "001-append-only-events", sql: appendOnlyEvents },
  { id: "002-keyed-streams", sql: keyedStreams },
];

/**
 * Brings the audit schema up to date; returns the migrations it applied. When everything is applied already
 * it only reads, so a gateway role without CREATE privileges starts fine after `npm run migrate`. Two
 * instances starting together serialise on an advisory lock.
 */
export const migrate = migrationRunner({ migrations, schemaSql: ident, appliedTable: (schema) => auditTables(schema).migrations, lock: "audit-migrate" }).migrate;

import { ident } from "../audit/postgres/sql";
import { migrationRunner, type Migration } from "../shared/pg-migrations";
import { lastingRecords } from "./migrations/001-lasting-records";
import { storeGeneration } from "./migrations/002-store-generation";
import { outbox } from "./migrations/003-outbox";
import { emailChanges } from "./migrations/004-email-changes";
import { enrolledTotp } from "./migrations/005-enrolled-totp";
import { storeGenerationNamespaces } from "./migrations/006-store-generation-namespaces";

/** Ordered, never edited once shipped: a change is a new entry. */
export const migrations: readonly Migration[] = [
  { id: "001-lasting-records", sql: lastingRecords },
  { id: "002-store-generation", sql: storeGeneration },
  { id: "003-outbox", sql: outbox },
  { id: "004-email-changes", sql: emailChanges },
  { id: "005-enrolled-totp", sql: enrolledTotp },
  { id: "006-store-generation-namespaces", sql: storeGenerationNamespaces },
];

const runner = migrationRunner({ migrations, schemaSql: ident, appliedTable: (schema) => `${ident(schema)}.schema_migrations`, lock: "records-migrate" });

/** The migrations a schema still lacks (the gateway applies them at start-up; `npm run migrate` with the owner role). */
export const pendingMigrations = runner.pending;

/** Brings the lasting records' schema up to date in one transaction; returns the migrations it applied. */
export const migrateRecords = runner.migrate;

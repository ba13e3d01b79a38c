import { Pool } from "pg";
import { guardPool, type ConnectionErrorListener } from "../shared/guard-pool";
import { ErrorCode, GatewayError } from "../errors/error-codes";

export type DatabaseSettings = {
  url: string;
  /** Schema of the lasting records (the audit trail keeps its own). */
  schema: string;
  /** Upper bound for connecting and for one statement; the request fails closed (503) after it. */
  statementTimeoutMs: number;
};

export const createDatabasePool = (settings: Pick<DatabaseSettings, "url" | "statementTimeoutMs">, applicationName: string, onError?: ConnectionErrorListener, max = 8): Pool =>
  guardPool(
    new Pool({
      connectionString: settings.url,
      max,
      connectionTimeoutMillis: settings.statementTimeoutMs,
      statement_timeout: settings.statementTimeoutMs,
      application_name: applicationName.slice(0, 63),
    }),
    onError,
  );

/** PostgreSQL is the lasting records' boundary: any failure there is the public SERVICE_UNAVAILABLE (fail closed). */
export const databaseUnavailable = (error: unknown): never => {
  if (error instanceof GatewayError) throw error;
  throw new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "DATABASE_UNAVAILABLE" }, undefined, error);
};

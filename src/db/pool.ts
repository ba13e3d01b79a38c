import { Pool, type PoolClient } from "pg";
import { ErrorCode, GatewayError } from "../errors/error-codes";

export type DatabaseSettings = {
  url: string;
  /** Schema of the lasting records (the audit trail keeps its own). */
  schema: string;
  /** Upper bound for connecting and for one statement; the request fails closed (503) after it. */
  statementTimeoutMs: number;
};

/** Called with every connection error the pool swallows, so it is logged rather than crashing the process. */
export type ConnectionErrorListener = (error: Error) => void;

/**
 * A pg pool that can never crash the process: pg emits 'error' on the pool for an idle connection that dies
 * and on the client itself for a checked-out one (a restart or pg_terminate_backend between two statements);
 * an unhandled 'error' event ends the process. Both get a listener; the dead connection is dropped and the
 * next statement opens a new one.
 */
export const guardPool = (pool: Pool, onError: ConnectionErrorListener = () => undefined): Pool => {
  pool.on("error", onError);
  pool.on("connect", (client: PoolClient) => {
    client.on("error", onError);
  });
  return pool;
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

import { Pool } from "pg";
import { guardPool, type ConnectionErrorListener } from "../shared/guard-pool";
import { ErrorCode, GatewayError } from "../errors/error-codes";

export type DatabaseSettings = {
  url: string;
  /** Schema of the lasting records (the audit trail keeps its own). */
  schema: string;
  /** Upper bound for connecting and for one statement (on the server, and a little later in the client); the request fails closed (503) after it. */
  statementTimeoutMs: number;
};

/** How much longer the client waits than the server's statement_timeout before it gives up on its own. */
const clientTimeoutMarginMs = 500;

export const createDatabasePool = (settings: Pick<DatabaseSettings, "url" | "statementTimeoutMs">, applicationName: string, onError?: ConnectionErrorListener, max = 8): Pool =>
  guardPool(
    new Pool({
      connectionString: settings.url,
      max,
      connectionTimeoutMillis: settings.statementTimeoutMs,
      statement_timeout: settings.statementTimeoutMs,
      // The client's own bound as well: a hung server (a frozen VM, a stuck failover) never enforces its
      // statement_timeout, and the statement would wait on an open connection for as long as it hangs. A bit
      // later than the server's, so a live server answers its own timeout first; the pool drops the connection.
      query_timeout: settings.statementTimeoutMs + clientTimeoutMarginMs,
      application_name: applicationName.slice(0, 63),
    }),
    onError,
  );

/** PostgreSQL is the lasting records' boundary: any failure there is the public SERVICE_UNAVAILABLE (fail closed). */
export const databaseUnavailable = (error: unknown): never => {
  if (error instanceof GatewayError) throw error;
  throw new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "DATABASE_UNAVAILABLE" }, undefined, error);
};

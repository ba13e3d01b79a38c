import type { Pool, PoolClient } from "pg";

/** Called with every connection error a guarded pool swallows, so it is logged rather than crashing the process. */
export type ConnectionErrorListener = (error: Error) => void;

/**
 * A pg pool that can never crash the process: pg emits 'error' on the pool for an idle connection that dies
 * and on the client itself for a checked-out one (a restart or pg_terminate_backend between two statements);
 * an unhandled 'error' event ends the process. Both get a listener; the dead connection is dropped, the
 * statement in flight fails, and the next statement opens a new connection.
 */
export const guardPool = (pool: Pool, onError: ConnectionErrorListener = () => undefined): Pool => {
  pool.on("error", onError);
  pool.on("connect", (client: PoolClient) => {
    client.on("error", onError);
  });
  return pool;
};

import type { Pool, PoolClient } from "pg";

export class AuditTimeoutError extends Error {
  override readonly name = "AuditTimeoutError";
}

/**
 * Runs `work` on a pooled connection, or rejects after `ms`. On the deadline the connection is destroyed
 * rather than returned to the pool: its statement's outcome is unknown, and nothing else may reuse it.
 */
export const withDeadline = async <T>(pool: Pick<Pool, "connect">, ms: number, work: (client: PoolClient) => Promise<T>): Promise<T> => {
  let client: PoolClient | undefined;
  let released = false;
  // Set by the timer's callback: widened, or the check below would read as always false.
  let expired = false as boolean;
  const release = (destroy?: Error) => {
    if (client === undefined || released) return;
    released = true;
    client.release(destroy);
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      const error = new AuditTimeoutError(`audit database did not answer within ${ms} ms`);
      release(error);
      reject(error);
    }, ms);
  });
  const attempt = (async () => {
    client = await pool.connect();
    if (expired) {
      release(new AuditTimeoutError("connected after the deadline"));
      throw new AuditTimeoutError("connected after the deadline");
    }
    try {
      return await work(client);
    } catch (error) {
      release(error instanceof Error ? error : new Error(String(error)));
      throw error;
    } finally {
      release();
    }
  })();
  // After the deadline the attempt still settles (e.g. when the destroyed connection errors): nobody waits.
  attempt.catch(() => {});
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
};

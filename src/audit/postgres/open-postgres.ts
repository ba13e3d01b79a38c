import { Pool } from "pg";
import { guardPool } from "../../shared/guard-pool";
import type { AuditDatabaseSettings } from "../../shared/settings";
import type { Clock } from "../../shared/clock";
import { resolveChainKey } from "./chain-key";
import { migrate } from "./migrations";
import { newInstanceId, PostgresAuditSink } from "./postgres-sink";

/**
 * A small pool whose connections give up with the write deadline, on both sides: connecting, and
 * `statement_timeout` on the server. `application_name` names the instance in pg_stat_activity.
 */
export const createAuditPool = (settings: Pick<AuditDatabaseSettings, "url" | "writeTimeoutMs"> & Partial<Pick<AuditDatabaseSettings, "synchronousCommit">>, applicationName: string, max = 4): Pool => {
  // An idle connection that dies (server restart, pg_terminate_backend) is dropped from the pool, and one that
  // dies while checked out errors on its client: without listeners on both the process would crash. The
  // write in flight fails (503) and the next one reconnects.
  return guardPool(new Pool({
    connectionString: settings.url,
    max,
    connectionTimeoutMillis: settings.writeTimeoutMs,
    statement_timeout: settings.writeTimeoutMs,
    application_name: applicationName.slice(0, 63),
    // The session's commit durability (a startup option: no extra round trip per connection).
    options: `-c synchronous_commit=${settings.synchronousCommit ?? "on"}`,
  }));
};

/** Migrates (or checks that the schema is current) and returns a sink with its own stream. */
export const openPostgresSink = async (settings: AuditDatabaseSettings, clock: Clock, instanceId = newInstanceId()): Promise<PostgresAuditSink> => {
  const pool = createAuditPool(settings, `audit:${instanceId}`);
  try {
    await migrate(pool, settings.schema);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresAuditSink({ pool, clock, settings: { ...settings, chainKey: resolveChainKey(settings, { create: true }) }, instanceId, ownsPool: true });
};

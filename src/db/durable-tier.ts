import type { Pool } from "pg";
import type { AuditLog } from "../audit/audit-log";
import type { Logger } from "../shared/logger";
import type { WebhookTarget } from "../shared/signed-webhook";
import { MemoryStore } from "../store/memory-store";
import { RedisStore } from "../store/redis-store";
import type { StateStore } from "../store/state-store";
import { migrateRecords } from "./migrations";
import { Outbox, type OutboxChannel } from "./outbox";
import { createDatabasePool, type DatabaseSettings } from "./pool";
import { PostgresRecordStore } from "./postgres-record-store";
import { StoreGeneration, type StoreVerdict } from "./store-generation";
import { TieredStore } from "./tiered-store";

export type DurableTierSettings = DatabaseSettings & { generationCheckSeconds: number };

export type DurableTier = {
  pool: Pool;
  store: TieredStore;
  generation: StoreGeneration;
  /** Compares the store with PostgreSQL now (start-up, reconnect, the timer call it). */
  verifyStore(): Promise<StoreVerdict | undefined>;
  openOutbox(deps: { targets: Partial<Record<OutboxChannel, WebhookTarget>>; retryDelaysMs: Record<OutboxChannel, readonly number[]>; audit: Pick<AuditLog, "record">; deadLettered: (channel: OutboxChannel) => void }): Outbox;
  close(): Promise<void>;
};

/** Everything in the ephemeral store goes: the fail-closed answer to a store that is behind or was emptied. */
const wipeOf = (ephemeral: StateStore): (() => Promise<void>) => {
  if (ephemeral instanceof RedisStore) return () => ephemeral.clearPrefix();
  if (ephemeral instanceof MemoryStore) {
    return () => {
      ephemeral.clear();
      return Promise.resolve();
    };
  }
  return () => Promise.resolve();
};

/** How soon a generation check that failed (PostgreSQL or Redis not answering) is tried again. */
const verifyRetryMs = 2000;

/**
 * Opens PostgreSQL (migrating it when behind), and puts the tiered store over the given ephemeral store. The
 * ephemeral tier serves nothing until its generation was checked, and again after every reconnect of Redis:
 * a Redis that comes back from an old snapshot is wiped before a request can see it.
 */
export const openDurableTier = async (settings: DurableTierSettings, ephemeral: StateStore, logger: Pick<Logger, "warn" | "error">): Promise<DurableTier> => {
  const pool = createDatabasePool(settings, "gateway:records", (error) => logger.warn({ err: error.message }, "PostgreSQL connection lost; the next statement reconnects"));
  try {
    await migrateRecords(pool, settings.schema);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const legacy = ephemeral instanceof RedisStore ? ephemeral.legacyView() : undefined;
  const namespace = ephemeral instanceof RedisStore ? ephemeral.namespace : "";
  const generation = new StoreGeneration({ pool, schema: settings.schema, namespace, ephemeral, wipe: wipeOf(ephemeral), legacy });
  // Ending a session never fails on the generation: the session is gone either way; a missed advance only
  // narrows what a later stale snapshot would be caught by, and is logged.
  const advanceAfterEnd = async () => {
    await generation.advance().catch((error: unknown) => logger.warn({ err: String(error) }, "store generation not advanced after a session ended"));
  };
  // Only a shared store can come back from a snapshot; an in-process one starts empty with its process.
  const shared = ephemeral instanceof RedisStore;
  const store = new TieredStore({ ephemeral, lasting: new PostgresRecordStore({ pool, schema: settings.schema }), onSessionEnded: shared ? advanceAfterEnd : undefined });
  // Bumped whenever the connection to Redis drops: a check that straddles a reconnect may have read the old
  // Redis and written its marker to the new one, so its "current" proves nothing.
  let connection = 0;
  let checking: { promise: Promise<StoreVerdict | undefined>; connection: number } | undefined;
  let retry: NodeJS.Timeout | undefined;
  const retrySoon = () => {
    if (retry !== undefined || closed) return;
    retry = setTimeout(() => {
      retry = undefined;
      if (!store.isVerified) void verifyStore();
    }, verifyRetryMs);
    retry.unref();
  };
  let closed = false;
  let retrying = false;
  const verifyStore = (): Promise<StoreVerdict | undefined> => {
    if (!shared) {
      store.setVerified(true);
      return Promise.resolve(undefined);
    }
    if (checking?.connection === connection) return checking.promise;
    const startedOn = connection;
    const promise = generation
      .check()
      .then(async (verdict): Promise<StoreVerdict | undefined> => {
        if (startedOn !== connection) {
          // Fail closed: whatever the check saw, the store now behind the connection is wiped and re-checked.
          await wipeOf(ephemeral)();
          logger.warn({}, "state store reconnected during its generation check: wiped, every earlier session must sign in again");
          return verifyStore();
        }
        if (verdict !== "CURRENT") logger.warn({ verdict }, "state store was behind or emptied: wiped, every earlier session must sign in again");
        retrying = false;
        store.setVerified(true);
        return verdict;
      })
      .catch((error: unknown) => {
        // Once per outage, not every 2 s of it.
        if (!retrying) logger.error({ err: String(error) }, "state store generation not checked; the store stays closed until it is (tried again every 2 s)");
        retrying = true;
        // Not left to the periodic check (STORE_GENERATION_CHECK_SECONDS may be an hour): PostgreSQL coming back
        // after Redis (one host rebooting both) must open the store within seconds.
        retrySoon();
        return undefined;
      });
    checking = { promise, connection: startedOn };
    void promise.finally(() => {
      if (checking?.promise === promise) checking = undefined;
    });
    return promise;
  };
  if (ephemeral instanceof RedisStore) {
    // A dropped connection may come back to another Redis (a restart from a snapshot): closed until checked.
    ephemeral.client.on("close", () => {
      connection += 1;
      store.setVerified(false);
    });
    ephemeral.client.on("ready", () => void verifyStore());
  }
  const timer = setInterval(() => void verifyStore(), settings.generationCheckSeconds * 1000);
  timer.unref();
  const outboxes: Outbox[] = [];
  return {
    pool,
    store,
    generation,
    verifyStore,
    openOutbox: (deps) => {
      const outbox = new Outbox({ pool, schema: settings.schema, logger, ...deps }).start(1000);
      outboxes.push(outbox);
      return outbox;
    },
    close: async () => {
      closed = true;
      clearInterval(timer);
      clearTimeout(retry);
      for (const outbox of outboxes) outbox.stop();
      await store.close();
      await pool.end();
    },
  };
};

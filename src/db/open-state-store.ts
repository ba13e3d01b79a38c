import type { Clock } from "../shared/clock";
import type { Logger } from "../shared/logger";
import { MemoryStore } from "../store/memory-store";
import { RedisStore } from "../store/redis-store";
import type { StateStore } from "../store/state-store";
import { openDurableTier, type DurableTier, type DurableTierSettings } from "./durable-tier";

export type OpenedStore = { store: StateStore; durable: DurableTier | undefined; close(): Promise<void> };

/**
 * The state store the server and every CLI use: Redis when REDIS_URL is set, else memory; with DATABASE_URL
 * the lasting records go to PostgreSQL behind the same interface, and the store is checked for staleness
 * before it serves anything. Without DATABASE_URL (dev) everything stays in the state store, as before.
 */
export const openStateStore = async (
  settings: { redisUrl: string | undefined; redisKeyPrefix: string; database?: DurableTierSettings | undefined },
  clock: Clock,
  logger: Pick<Logger, "warn" | "error">,
): Promise<OpenedStore> => {
  const ephemeral = settings.redisUrl ? new RedisStore({ url: settings.redisUrl, keyPrefix: settings.redisKeyPrefix }) : new MemoryStore(clock);
  if (!settings.database) return { store: ephemeral, durable: undefined, close: () => ephemeral.close() };
  let durable: DurableTier;
  try {
    durable = await openDurableTier(settings.database, ephemeral, logger);
  } catch (error) {
    await ephemeral.close();
    throw error;
  }
  // Start-up waits for the first check: no request may see a store that went back in time.
  await durable.verifyStore();
  return { store: durable.store, durable, close: () => durable.close() };
};

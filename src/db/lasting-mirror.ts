import { z } from "zod";
import { parseStoredRecord } from "../shared/stored-record";
import type { StateStore } from "../store/state-store";
import type { PostgresRecordStore } from "./postgres-record-store";

/** The mirror's version; every write of a lasting record moves it on, which retires every copy at once. */
export const mirrorEpochKey = "lasting-mirror:epoch";
const copyKey = (key: string) => `lasting-mirror:${key}`;
const epochTtlSeconds = 10 * 365 * 24 * 3600;
/**
 * The longest a copy is kept. The epoch retires copies on every write; this bounds the one window it cannot
 * close (a writer that dies between its PostgreSQL write and its second epoch move).
 */
export const mirrorMaxSeconds = 60;

/** A random step: an epoch that was evicted or wiped starts again from a value no old copy carries. */
const step = () => 1 + Math.floor(Math.random() * 2 ** 20);

type Copy = { epoch: string; value: string | undefined };

const storedCopy = z.tuple([z.string(), z.string().nullable()]);

/** A copy that does not parse is no copy: the read goes to PostgreSQL. */
const parseCopy = (raw: string | undefined): Copy | undefined => {
  const copy = parseStoredRecord(storedCopy, raw);
  return copy && { epoch: copy[0], value: copy[1] ?? undefined };
};

/**
 * A read-through copy of the per-request lasting records (flags, locks, password age) in the ephemeral
 * store, so the hot path stays one Redis round trip in production instead of a PostgreSQL query per request.
 *
 * Correctness rests on one number, the epoch, kept beside the copies. A copy carries the epoch read *before*
 * its PostgreSQL read, and counts only while the epoch is unchanged. Every lasting write moves the epoch
 * before and after it writes PostgreSQL (the first move must succeed, or the write is not made), so a copy
 * made from a read that may have missed the write never counts again — on every instance sharing the store.
 * A copy also expires with its record (a timed lock) and after `mirrorMaxSeconds`. The store generation
 * guards the rest: an ephemeral store restored from an old snapshot (old copies with their old epoch) is
 * found behind and wiped before it serves anything (store-generation.ts).
 */
export class LastingMirror {
  constructor(private readonly deps: { ephemeral: StateStore; lasting: Pick<PostgresRecordStore, "getMany" | "getManyWithLife"> }) {}

  /** The keys to read from the ephemeral store, in the same round trip as the request's own keys. */
  mirrorKeys(lastingKeys: readonly string[]): string[] {
    return [mirrorEpochKey, ...lastingKeys.map(copyKey)];
  }

  /**
   * The values of `lastingKeys`, given what the ephemeral store answered for `mirrorKeys(lastingKeys)`:
   * from the copies when all are current, else from PostgreSQL (and copied for the next request).
   */
  async resolve(lastingKeys: readonly string[], mirrored: readonly (string | undefined)[]): Promise<(string | undefined)[]> {
    const epoch = mirrored[0];
    if (epoch !== undefined) {
      const copies = mirrored.slice(1).map(parseCopy);
      if (copies.every((c) => c?.epoch === epoch)) return copies.map((c) => c!.value);
    }
    const current = epoch ?? String(await this.deps.ephemeral.increment(mirrorEpochKey, step(), epochTtlSeconds));
    const read = await this.deps.lasting.getManyWithLife(lastingKeys);
    // A copy that cannot be written is only a miss for the next request, never this one's failure.
    const copies: Promise<void>[] = [];
    for (let i = 0; i < lastingKeys.length; i++) {
      const found = read[i];
      const ttl = Math.min(mirrorMaxSeconds, found?.secondsLeft ?? mirrorMaxSeconds);
      if (ttl >= 1) copies.push(this.deps.ephemeral.set(copyKey(lastingKeys[i]!), JSON.stringify([current, found?.value ?? null]), ttl).catch(() => undefined));
    }
    await Promise.all(copies);
    return read.map((r) => r?.value);
  }

  /** Retires every copy (before and after each lasting write). */
  async invalidate(): Promise<void> {
    await this.deps.ephemeral.increment(mirrorEpochKey, step(), epochTtlSeconds);
  }
}

import { sha256 } from "../shared/digest";
import type { StateStore } from "../store/state-store";
import type { UserProfile } from "./identity-provider";
import { normalizeEmail } from "../shared/email";
import { z } from "zod";
import { absentable, parseStoredRecord, readStoredRecord, recordSchema } from "../shared/stored-record";

/** What the gateway knows about an account since its last login (so `me` needs no Cognito call). */
export type AccountRecord = UserProfile & { groups: string[] };
const accountRecord = recordSchema<AccountRecord>()(
  z.object({ sub: z.string(), email: z.string(), emailVerified: z.boolean(), givenName: absentable(z.string()), familyName: absentable(z.string()), mfaEnabled: z.boolean(), groups: z.array(z.string()) }),
);

/**
 * Flags an administrator set. Kept apart from the login record and long-lived, because they must hold
 * even for an account that never logged in through this gateway (cognito-local ignores disabled users).
 */
export type AccountFlags = { disabled: boolean };
const accountFlags = recordSchema<AccountFlags>()(z.object({ disabled: z.boolean() }));

const flagsTtlSeconds = 10 * 365 * 24 * 3600;

export const accountKey = (sub: string): string => `account:${sub}`;
export const flagsKey = (sub: string): string => `account-flags:${sub}`;
const emailKey = (email: string): string => `account-email:${sha256(normalizeEmail(email))}`;

/** A corrupt record is treated as absent: the next login writes it again (and `me` asks for a login meanwhile). */
export const parseAccount = (raw: string | undefined): AccountRecord | undefined => parseStoredRecord(accountRecord, raw);

/** No flags: enabled. Flags that cannot be read: disabled (fails closed) until an administrator sets them again. */
export const parseFlags = (raw: string | undefined): AccountFlags => {
  const read = readStoredRecord(accountFlags, raw);
  return read.status === "ok" ? read.record : { disabled: read.status === "corrupt" };
};

type Store = Pick<StateStore, "get" | "set">;

export const saveAccount = async (store: Store, profile: UserProfile, groups: string[], ttlSeconds: number): Promise<AccountRecord> => {
  const record: AccountRecord = { ...profile, groups };
  await store.set(accountKey(profile.sub), JSON.stringify(record), ttlSeconds);
  // Lets flows that only know the email (password reset) find the sessions to end.
  await store.set(emailKey(profile.email), profile.sub, ttlSeconds);
  return record;
};

export const updateAccount = async (store: Store, sub: string, change: Partial<UserProfile>, ttlSeconds: number): Promise<void> => {
  const record = parseAccount(await store.get(accountKey(sub)));
  if (record) await store.set(accountKey(sub), JSON.stringify({ ...record, ...change }), ttlSeconds);
};

export const subForEmail = (store: Pick<StateStore, "get">, email: string): Promise<string | undefined> => store.get(emailKey(email));

export const readFlags = async (store: Pick<StateStore, "get">, sub: string): Promise<AccountFlags> => parseFlags(await store.get(flagsKey(sub)));

export const setFlags = (store: Pick<StateStore, "set">, sub: string, flags: AccountFlags): Promise<void> =>
  store.set(flagsKey(sub), JSON.stringify(flags), flagsTtlSeconds);

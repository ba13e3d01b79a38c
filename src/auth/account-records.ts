import { sha256 } from "../shared/digest";
import type { StateStore } from "../store/state-store";
import type { UserProfile } from "./identity-provider";
import { normalizeEmail } from "../shared/email";

/** What the gateway knows about an account since its last login (so `me` needs no Cognito call). */
export type AccountRecord = UserProfile & { groups: string[] };

/**
 * Flags an administrator set. Kept apart from the login record and long-lived, because they must hold
 * even for an account that never logged in through this gateway (cognito-local ignores disabled users).
 */
export type AccountFlags = { disabled: boolean };

const flagsTtlSeconds = 10 * 365 * 24 * 3600;

export const accountKey = (sub: string): string => `account:${sub}`;
export const flagsKey = (sub: string): string => `account-flags:${sub}`;
const emailKey = (email: string): string => `account-email:${sha256(normalizeEmail(email))}`;

export const parseAccount = (raw: string | undefined): AccountRecord | undefined =>
  raw === undefined ? undefined : (JSON.parse(raw) as AccountRecord);

export const parseFlags = (raw: string | undefined): AccountFlags => (raw === undefined ? { disabled: false } : (JSON.parse(raw) as AccountFlags));

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

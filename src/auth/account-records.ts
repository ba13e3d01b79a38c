import type { StateStore } from "../store/state-store";
import type { UserProfile } from "./identity-provider";

/**
 * What the gateway knows about an account between logins: the profile read at login (so `me` needs no
 * Cognito call) and the flags `isActive` checks on every request.
 */
export type AccountRecord = UserProfile & { groups: string[]; disabled: boolean };

export const accountKey = (sub: string): string => `account:${sub}`;

export const parseAccount = (raw: string | undefined): AccountRecord | undefined =>
  raw === undefined ? undefined : (JSON.parse(raw) as AccountRecord);

export const saveAccount = async (
  store: Pick<StateStore, "get" | "set">,
  profile: UserProfile,
  groups: string[],
  ttlSeconds: number,
): Promise<AccountRecord> => {
  // Flags set by administrators outlive a login: keep them.
  const previous = parseAccount(await store.get(accountKey(profile.sub)));
  const record: AccountRecord = { ...profile, groups, disabled: previous?.disabled ?? false };
  await store.set(accountKey(profile.sub), JSON.stringify(record), ttlSeconds);
  return record;
};

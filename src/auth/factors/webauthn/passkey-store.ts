import type { StateStore } from "../../../store/state-store";
import { z } from "zod";
import { absentable, parseStoredRecord, recordSchema } from "../../../shared/stored-record";

/** Credentials outlive any session: kept ten years (the store's TTL contract), renewed on every write. */
const keepSeconds = 10 * 365 * 24 * 3600;
const setKey = (sub: string) => `passkeys:${sub}`;
const recordKey = (credentialId: string) => `passkey:${credentialId}`;
const userHandleKey = (sub: string) => `webauthn-user:${sub}`;
/** Kept as long as a credential would be: a removed id never verifies again, whatever write comes later. */
const revokedKey = (credentialId: string) => `passkey-revoked:${credentialId}`;

/** A registered passkey: only public material (the public key cannot sign anything). */
export type PasskeyRecord = {
  id: string;
  sub: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  nickname: string;
  createdAt: string;
  lastUsedAt: string | undefined;
  /** "multiDevice" = backup eligible (a synced passkey); "singleDevice" = bound to one authenticator. */
  deviceType: "singleDevice" | "multiDevice";
  backedUp: boolean;
  aaguid: string;
  /** The authenticator verified the user (PIN, biometrics) when it was registered. */
  userVerified: boolean;
};
// A corrupt record reads as absent: that credential no longer signs in (fails closed) and is not listed.
const passkeyRecord = recordSchema<PasskeyRecord>()(
  z.object({
    id: z.string(),
    sub: z.string(),
    publicKey: z.string(),
    counter: z.number(),
    transports: z.array(z.string()),
    nickname: z.string(),
    createdAt: z.string(),
    lastUsedAt: absentable(z.string()),
    deviceType: z.enum(["singleDevice", "multiDevice"]),
    backedUp: z.boolean(),
    aaguid: z.string(),
    userVerified: z.boolean(),
  }),
);

/**
 * The gateway-side credential store, over the state store (Redis with persistence in production): one
 * record per credential and, per account, the set of its credential ids (set operations are atomic, so two
 * concurrent registrations cannot lose each other).
 */
export class PasskeyStore {
  constructor(private readonly deps: { store: Pick<StateStore, "get" | "getMany" | "set" | "setIfAbsent" | "delete" | "addToSet" | "removeFromSet" | "members"> }) {}

  async list(sub: string): Promise<PasskeyRecord[]> {
    const ids = await this.deps.store.members(setKey(sub));
    if (ids.length === 0) return [];
    const raws = await this.deps.store.getMany(ids.map(recordKey));
    return raws
      .map((raw) => parseStoredRecord(passkeyRecord, raw))
      .filter((record): record is PasskeyRecord => record !== undefined)
      .filter((record) => record.sub === sub)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * Undefined for an unknown or a removed credential. The tombstone decides, not the record: a sign-in that
   * read the record before a removal writes its new counter back after it, and must not bring it back.
   */
  async find(credentialId: string): Promise<PasskeyRecord | undefined> {
    const [raw, revoked] = await this.deps.store.getMany([recordKey(credentialId), revokedKey(credentialId)]);
    return revoked !== undefined ? undefined : parseStoredRecord(passkeyRecord, raw);
  }

  /** False when the credential id is already registered (to this or another account), or was removed. */
  async add(record: PasskeyRecord): Promise<boolean> {
    if ((await this.deps.store.get(revokedKey(record.id))) !== undefined) return false;
    if (!(await this.deps.store.setIfAbsent(recordKey(record.id), JSON.stringify(record), keepSeconds))) return false;
    await this.deps.store.addToSet(setKey(record.sub), record.id, keepSeconds);
    return true;
  }

  async update(record: PasskeyRecord): Promise<void> {
    await this.deps.store.set(recordKey(record.id), JSON.stringify(record), keepSeconds);
  }

  async remove(record: Pick<PasskeyRecord, "id" | "sub">): Promise<void> {
    await this.deps.store.set(revokedKey(record.id), record.sub, keepSeconds);
    await this.deps.store.removeFromSet(setKey(record.sub), record.id);
    await this.deps.store.delete(recordKey(record.id));
  }

  /** Every passkey of the account (an MFA reset, a recovery code for a lost phone); returns how many. */
  async removeAll(sub: string): Promise<number> {
    const all = await this.list(sub);
    for (const record of all) await this.remove(record);
    return all.length;
  }

  /** The account's WebAuthn user handle: random, stable, never the email (authenticators may display or sync it). */
  async userHandle(sub: string, fresh: string): Promise<string> {
    await this.deps.store.setIfAbsent(userHandleKey(sub), fresh, keepSeconds);
    return (await this.deps.store.get(userHandleKey(sub))) ?? fresh;
  }
}

import type { StateStore } from "../../../store/state-store";

/** Credentials outlive any session: kept ten years (the store's TTL contract), renewed on every write. */
const keepSeconds = 10 * 365 * 24 * 3600;
const setKey = (sub: string) => `passkeys:${sub}`;
const recordKey = (credentialId: string) => `passkey:${credentialId}`;
const userHandleKey = (sub: string) => `webauthn-user:${sub}`;

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
      .filter((raw): raw is string => raw !== undefined)
      .map((raw) => JSON.parse(raw) as PasskeyRecord)
      .filter((record) => record.sub === sub)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async find(credentialId: string): Promise<PasskeyRecord | undefined> {
    const raw = await this.deps.store.get(recordKey(credentialId));
    return raw === undefined ? undefined : (JSON.parse(raw) as PasskeyRecord);
  }

  /** False when the credential id is already registered (to this or another account). */
  async add(record: PasskeyRecord): Promise<boolean> {
    if (!(await this.deps.store.setIfAbsent(recordKey(record.id), JSON.stringify(record), keepSeconds))) return false;
    await this.deps.store.addToSet(setKey(record.sub), record.id, keepSeconds);
    return true;
  }

  async update(record: PasskeyRecord): Promise<void> {
    await this.deps.store.set(recordKey(record.id), JSON.stringify(record), keepSeconds);
  }

  async remove(record: Pick<PasskeyRecord, "id" | "sub">): Promise<void> {
    await this.deps.store.removeFromSet(setKey(record.sub), record.id);
    await this.deps.store.delete(recordKey(record.id));
  }

  /** The account's WebAuthn user handle: random, stable, never the email (authenticators may display or sync it). */
  async userHandle(sub: string, fresh: string): Promise<string> {
    await this.deps.store.setIfAbsent(userHandleKey(sub), fresh, keepSeconds);
    return (await this.deps.store.get(userHandleKey(sub))) ?? fresh;
  }
}

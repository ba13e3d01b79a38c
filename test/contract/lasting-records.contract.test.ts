import { randomUUID } from "node:crypto";
import { accountKey, readFlags, setFlags } from "../../src/auth/account-records";
import { grantIndexKey, grantKey, grantRetentionSeconds, unreviewedKey, type GrantRecord } from "../../src/auth/emergency/emergency-grant";
import { RecoveryCodes } from "../../src/auth/factors/recovery/recovery-codes";
import { PasskeyStore, type PasskeyRecord } from "../../src/auth/factors/webauthn/passkey-store";
import { PostgresRecordStore } from "../../src/db/postgres-record-store";
import { recordKindOf } from "../../src/db/record-kinds";
import { TieredStore } from "../../src/db/tiered-store";
import { lockedSubKey } from "../../src/policy/lockout";
import { PasswordHistory } from "../../src/policy/password-history";
import { PasswordRotation } from "../../src/policy/password-rotation";
import { MemoryStore } from "../../src/store/memory-store";
import type { StateStore } from "../../src/store/state-store";
import { FakeClock } from "../fakes/fake-clock";
import { recordsDb, type RecordsDb } from "../support/records-db";

/**
 * The record services (passkeys, recovery codes, password history and age, locks, flags, grants) over the
 * store they had (memory) and over the tiered store with PostgreSQL behind it: the same cases hold for both;
 * for the tiered one, every record also survives the loss of the ephemeral tier.
 */
type Subject = { store: StateStore; loseEphemeral(): Promise<void>; cleanup(): Promise<void> };

const memorySubject = async (): Promise<Subject> => {
  const store = new MemoryStore(new FakeClock(), 0);
  return { store, loseEphemeral: async () => undefined, cleanup: () => store.close() };
};

const tieredSubject = async (): Promise<Subject> => {
  const db: RecordsDb = await recordsDb();
  const ephemeral = new MemoryStore(new FakeClock(), 0);
  const store = new TieredStore({ ephemeral, lasting: new PostgresRecordStore({ pool: db.pool, schema: db.schema }) });
  store.setVerified(true);
  return { store, loseEphemeral: async () => ephemeral.clear(), cleanup: () => db.drop() };
};

const passkey = (sub: string): PasskeyRecord => ({
  id: `cred-${randomUUID()}`,
  sub,
  publicKey: "pQECAyYgASFYIA",
  counter: 3,
  transports: ["internal"],
  nickname: "laptop",
  createdAt: new Date(0).toISOString(),
  lastUsedAt: undefined,
  deviceType: "multiDevice",
  backedUp: true,
  aaguid: "00000000-0000-0000-0000-000000000000",
  userVerified: true,
});

describe.each([
  ["memory store", memorySubject, false],
  ["tiered store with PostgreSQL", tieredSubject, true],
])("lasting records over the %s", (_name, make, lasting) => {
  let subject: Subject;
  const sub = `sub-${randomUUID()}`;
  beforeEach(async () => {
    subject = await make();
  });
  afterEach(() => subject.cleanup());

  it("keeps passkeys (keys, counters, flags), their user handle and the tombstone of a removed one", async () => {
    const passkeys = new PasskeyStore({ store: subject.store });
    const kept = passkey(sub);
    const removed = passkey(sub);
    expect(await passkeys.add(kept)).toBe(true);
    expect(await passkeys.add(removed)).toBe(true);
    await passkeys.update({ ...kept, counter: 9 });
    await passkeys.remove(removed);
    const handle = await passkeys.userHandle(sub, "handle-1");
    await subject.loseEphemeral();
    expect((await passkeys.list(sub)).map((p) => [p.id, p.counter, p.backedUp])).toEqual([[kept.id, 9, true]]);
    expect(await passkeys.find(removed.id)).toBeUndefined();
    expect(await passkeys.add(removed)).toBe(false);
    expect(await passkeys.userHandle(sub, "handle-2")).toBe(handle);
  });

  it("keeps recovery-code digests: a used code stays used, the others still work", async () => {
    const codes = new RecoveryCodes({ store: subject.store, clock: new FakeClock() });
    const [first, second] = await codes.generate(sub);
    await codes.consume(sub, first!);
    await subject.loseEphemeral();
    expect(await codes.left(sub)).toBe(9);
    await expect(codes.consume(sub, first!)).rejects.toThrow();
    await expect(codes.consume(sub, second!)).resolves.toBeInstanceOf(Function);
  });

  it("keeps the password history and the password's age", async () => {
    const clock = new FakeClock();
    const history = new PasswordHistory({ store: subject.store, size: 5 });
    const rotation = new PasswordRotation({ store: subject.store, clock, maxAgeDays: 90 });
    await history.remember(await history.digest(sub, "correct horse battery 1"));
    await rotation.recordSet(sub);
    clock.advanceSeconds(91 * 86400);
    await subject.loseEphemeral();
    await expect(history.assertNotReused(await history.digest(sub, "correct horse battery 1"))).rejects.toMatchObject({ code: "PASSWORD_POLICY_VIOLATION" });
    await expect(history.assertNotReused(await history.digest(sub, "another long one 2"))).resolves.toBeUndefined();
    expect(await rotation.hasExpired(sub)).toBe(true);
  });

  it("keeps locks, the disabled flag and emergency grants with their reason and review; loses sessions and caches", async () => {
    const { store } = subject;
    await store.set(lockedSubKey(sub), "1", 10 * 365 * 24 * 3600);
    await setFlags(store, sub, { disabled: true });
    const grant: GrantRecord = { id: randomUUID(), sub, sessionId: "s1", scope: "READ", patientRef: undefined, reason: "unconscious patient", grantedAt: 1, expiresAt: 2, mark: { epoch: 0, startedAt: 0 }, review: { verdict: "JUSTIFIED", note: "ok", reviewer: "admin", at: 3 } };
    await store.set(grantKey(grant.id), JSON.stringify(grant), grantRetentionSeconds);
    await store.pushBounded(grantIndexKey, grant.id, 10_000, grantRetentionSeconds);
    await store.addToSet(unreviewedKey, grant.id, grantRetentionSeconds);
    await store.set(accountKey(sub), "{}", 60);
    await subject.loseEphemeral();
    expect(await store.get(lockedSubKey(sub))).toBe("1");
    expect(await readFlags(store, sub)).toEqual({ disabled: true });
    expect(JSON.parse((await store.get(grantKey(grant.id))) ?? "null")).toEqual(grant);
    expect(await store.list(grantIndexKey)).toEqual([grant.id]);
    expect(await store.members(unreviewedKey)).toEqual([grant.id]);
    // The login cache is ephemeral: gone with the store in the tiered layout, kept by the memory-only one.
    expect(await store.get(accountKey(sub))).toBe(lasting ? undefined : "{}");
  });
});

describe("record kinds", () => {
  it("sends every lasting key to PostgreSQL and what may be lost to the state store", () => {
    const lastingKeys = ["passkeys:s", "passkey:c", "passkey-revoked:c", "webauthn-user:s", "recovery-salt:s", "recovery-codes:s", "recovery-code:s:d", "recovery-generating:s", "password-history:s", "password-salt:s", "password-set:s", "lockout:locked:e", "lockout:locked-sub:s", "account-flags:s", "emergency:grant:g", "emergency:index", "emergency:unreviewed", "emergency:review-claim:g", "emergency:escalation-claim:g"];
    const ephemeralKeys = ["session:x", "live:x", "refresh:x", "user-sessions:s", "challenge:h", "cookie-session:c", "lockout:failures:e", "totp-used:s", "account:s", "account-email:e", "epoch:n:s", "emergency:session:x", "emergency:requesting:x", "webauthn-login:h", "store-generation"];
    expect(lastingKeys.filter((k) => recordKindOf(k) === undefined)).toEqual([]);
    expect(ephemeralKeys.filter((k) => recordKindOf(k) !== undefined)).toEqual([]);
  });
});

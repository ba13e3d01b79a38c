import { EmergencyAccess, type EmergencyAccessDeps } from "../../../../src/auth/emergency/emergency-access";
import { grantKey, parseGrant, type GrantRecord } from "../../../../src/auth/emergency/emergency-grant";
import { MemoryStore } from "../../../../src/store/memory-store";
import { FakeClock } from "../../../fakes/fake-clock";

/**
 * Two writers of one grant (an end and a review) that both read it before either writes: the second write must
 * not put back the version it read, without the first one's fact.
 */
const base: GrantRecord = {
  id: "g1",
  sub: "u1",
  sessionId: "s1",
  scope: "READ",
  patientRef: undefined,
  reason: "r",
  grantedAt: 1,
  expiresAt: 2,
  mark: { epoch: 0, startedAt: 0 },
};

it("an end and a review saved at once both stay on the grant", async () => {
  const store = new MemoryStore(new FakeClock(), 0);
  await store.set(grantKey(base.id), JSON.stringify(base), 600);
  // Every read waits until both writers have read: the two read-and-writes overlap completely.
  let reads = 0;
  let release: () => void = () => undefined;
  const bothRead = new Promise<void>((resolve) => (release = resolve));
  const racing: EmergencyAccessDeps["store"] = Object.assign(Object.create(store) as MemoryStore, {
    get: async (key: string) => {
      const value = await store.get(key);
      if (++reads === 2) release();
      if (reads <= 2) await bothRead;
      return value;
    },
  });
  const access = new EmergencyAccess({ store: racing } as unknown as EmergencyAccessDeps);
  const ended: GrantRecord = { ...base, ended: { at: 5, by: "u1", reason: "ENDED_BY_USER" } };
  const reviewed: GrantRecord = { ...base, review: { verdict: "JUSTIFIED", note: "n", reviewer: "a1", at: 6 } };
  await Promise.all([access.save(ended), access.save(reviewed)]);
  const stored = parseGrant(await store.get(grantKey(base.id)));
  expect(stored?.ended).toEqual(ended.ended);
  expect(stored?.review).toEqual(reviewed.review);
});

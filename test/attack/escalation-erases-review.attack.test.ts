/**
 * SEVERITY: medium (HIPAA 164.312(a)(2)(ii) / 164.308(a)(1)(ii)(C): the review record of a break-glass grant)
 *
 * ATTACK / FAULT: the escalation sweep (every instance, every 5 minutes) reads an overdue grant again, raises
 * the EMERGENCY_ACCESS_UNREVIEWED alert, then writes `{ ...grantAsRead, escalatedAt }` back. The alert is
 * awaited between the read and the write (with the durable tier, `OutboxEmergencyAlerts.raise` is a PostgreSQL
 * outbox insert; here it is held open at that one call, everything else real). A privacy officer's
 * `reviewEmergencyAccess(UNJUSTIFIED)` that lands in that window — exactly when the review falls due, which is
 * when the escalation fires — is answered with success, audited, its review claim kept, the grant taken out of
 * the unreviewed set... and then the sweep's write replaces the stored grant with the copy it read before: no
 * verdict, no reviewer, no end. The grant lists as unreviewed, and any reviewer now gets ALREADY_REVIEWED (the
 * claim is still taken), so the UNJUSTIFIED verdict the sanctions policy relies on can never be recorded again.
 * The same read-then-write shape in `close` lets the grant's HOLDER erase the verdict of their own review: an
 * `endEmergencyAccess` whose read came before the reviewer's and whose write lands after it writes the grant back
 * without the review (second `it`: the holder's write is held before it reaches the store).
 *
 * EXPECTED: a verdict that was answered as recorded stays recorded: the stored grant carries UNJUSTIFIED, its
 * reviewer, and its end, whatever a concurrent escalation writes.
 */
import * as ops from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { startEmergencyRig, type Member } from "../support/emergency-rig";
import { freshCode, loginWithMfa } from "../support/users";

describe("ATTACK: the escalation sweep writes back over a review made while its alert was raised", () => {
  let rig: Awaited<ReturnType<typeof startEmergencyRig>>;
  let admin: Member;
  let provider: Member;
  beforeAll(async () => {
    rig = await startEmergencyRig();
    admin = await rig.member("admin");
    provider = await rig.member("provider");
  }, 90_000);
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await rig?.close();
  });

  it("an UNJUSTIFIED verdict answered as recorded is still on the grant after the escalation finishes", async () => {
    const grant = dataOf(await rig.gw.run(ops.RequestEmergencyAccessDocument, { input: { reason: "Unconscious patient, care team unreachable", scope: "READ_WRITE" }, code: await freshCode(provider.secret) }, { token: provider.accessToken })).requestEmergencyAccess;

    // The review falls due; the privacy officer signs in for it.
    rig.clock.advanceSeconds(24 * 3600 + 60);
    const officer = (await loginWithMfa(rig.gw, admin)).tokens!.accessToken;

    // Hold the escalation's alert (a PostgreSQL outbox insert in the durable tier) open.
    const alerts = rig.gw.emergencyAlerts;
    const original = alerts.raise.bind(alerts);
    let reached!: () => void;
    let release!: () => void;
    const wasReached = new Promise<void>((resolve) => (reached = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    jest.spyOn(alerts, "raise").mockImplementation(async (kind, record, meta) => {
      if (kind === "EMERGENCY_ACCESS_UNREVIEWED" && record.id === grant.id) {
        reached();
        await released;
      }
      return original(kind, record, meta);
    });

    const sweeping = rig.gw.services.emergency.reviews.sweep();
    await wasReached;
    const reviewed = await rig.gw.run(ops.ReviewEmergencyAccessDocument, { id: grant.id, verdict: "UNJUSTIFIED", note: "no emergency on record; referred to sanctions" }, { token: officer });
    expect(dataOf(reviewed).reviewEmergencyAccess).toMatchObject({ verdict: "UNJUSTIFIED", status: "ENDED" });
    release();
    expect(await sweeping).toContain(grant.id);

    const stored = dataOf(await rig.gw.run(ops.EmergencyAccessesDocument, { filter: { userId: provider.sub } }, { token: officer })).emergencyAccesses.nodes.find((n) => n.id === grant.id)!;
    // The gateway told the officer it recorded UNJUSTIFIED and audited it: the grant must say so.
    expect({ verdict: stored.verdict, reviewedBy: stored.reviewedBy, status: stored.status, endReason: stored.endReason }).toEqual({ verdict: "UNJUSTIFIED", reviewedBy: admin.sub, status: "ENDED", endReason: "UNJUSTIFIED" });
  }, 60_000);

  it("the holder ending the grant while it is reviewed UNJUSTIFIED does not erase the verdict", async () => {
    const officer = (await loginWithMfa(rig.gw, admin)).tokens!.accessToken;
    const holder = (await loginWithMfa(rig.gw, provider)).tokens!.accessToken;
    const grant = dataOf(await rig.gw.run(ops.RequestEmergencyAccessDocument, { input: { reason: "Unconscious patient, care team unreachable" }, code: await freshCode(provider.secret) }, { token: holder })).requestEmergencyAccess;

    // The holder's end: read done, its write held before it reaches the store.
    const grants = rig.gw.services.emergency.grants;
    const save = grants.save.bind(grants);
    let reached!: () => void;
    let release!: () => void;
    const wasReached = new Promise<void>((resolve) => (reached = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    jest.spyOn(grants, "save").mockImplementation(async (record) => {
      if (record.id === grant.id && record.ended?.reason === "ENDED_BY_USER") {
        reached();
        await released;
      }
      return save(record);
    });
    const ending = rig.gw.run(ops.EndEmergencyAccessDocument, { id: grant.id }, { token: holder });
    await wasReached;
    const reviewed = await rig.gw.run(ops.ReviewEmergencyAccessDocument, { id: grant.id, verdict: "UNJUSTIFIED", note: "no emergency on record; referred to sanctions" }, { token: officer });
    expect(dataOf(reviewed).reviewEmergencyAccess).toMatchObject({ verdict: "UNJUSTIFIED", status: "ENDED" });
    release();
    dataOf(await ending);

    const stored = dataOf(await rig.gw.run(ops.EmergencyAccessesDocument, { filter: { userId: provider.sub } }, { token: officer })).emergencyAccesses.nodes.find((n) => n.id === grant.id)!;
    expect({ verdict: stored.verdict, reviewedBy: stored.reviewedBy }).toEqual({ verdict: "UNJUSTIFIED", reviewedBy: admin.sub });
  }, 60_000);
});

import * as ops from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { startEmergencyRig, type Member } from "../support/emergency-rig";
import { freshCode } from "../support/users";

/** README: reviewEmergencyAccess "records the verdict once"; UNJUSTIFIED also ends a running grant. Under concurrency? */
describe("ATTACK: concurrent reviews of one grant", () => {
  let rig: Awaited<ReturnType<typeof startEmergencyRig>>;
  let admin: Member;
  let otherAdmin: Member;
  beforeAll(async () => {
    rig = await startEmergencyRig();
    admin = await rig.member("admin");
    otherAdmin = await rig.member("admin");
  }, 90_000);
  afterAll(async () => rig?.close());

  it("an UNJUSTIFIED verdict and a JUSTIFIED one racing: exactly one is recorded, and the stored grant agrees with it", async () => {
    let outcome: unknown;
    for (let round = 0; round < 5; round++) {
      const provider = await rig.member("provider");
      const grant = dataOf(await rig.gw.run(ops.RequestEmergencyAccessDocument, { input: { reason: "Unconscious patient, care team unreachable" }, code: await freshCode(provider.secret) }, { token: provider.accessToken })).requestEmergencyAccess;
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          i % 2 === 0
            ? rig.gw.run(ops.ReviewEmergencyAccessDocument, { id: grant.id, verdict: "UNJUSTIFIED", note: "no emergency on record" }, { token: admin.accessToken })
            : rig.gw.run(ops.ReviewEmergencyAccessDocument, { id: grant.id, verdict: "JUSTIFIED", note: "fine" }, { token: otherAdmin.accessToken }),
        ),
      );
      const accepted = answers.filter((r) => r.data?.reviewEmergencyAccess).map((r) => r.data!.reviewEmergencyAccess.verdict);
      const stored = dataOf(await rig.gw.run(ops.EmergencyAccessesDocument, { filter: { userId: provider.sub } }, { token: admin.accessToken })).emergencyAccesses.nodes[0]!;
      const audited = rig.gw.audit.records.filter((r) => r.event === "EMERGENCY_ACCESS_REVIEW" && r.grantId === grant.id && r.outcome === "SUCCESS").map((r) => r.reason);
      outcome = { round, accepted, audited, stored: { verdict: stored.verdict, status: stored.status, endReason: stored.endReason } };
      if (accepted.length > 1) break;
    }
    const o = outcome as { accepted: string[]; audited: string[]; stored: { verdict: string; status: string; endReason: string | null } };
    expect(o.accepted).toHaveLength(1);
    expect(o.audited).toHaveLength(1);
    if (o.stored.verdict === "UNJUSTIFIED") expect(o.stored.status).toBe("ENDED");
  });
});

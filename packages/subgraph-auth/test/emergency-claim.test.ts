import { emergencyCovers, parseEmergencyClaim, toEmergencyClaimWire, type EmergencyClaim } from "@hipaa-auth-gateway/subgraph-auth";

describe("the emergency claim (subgraph side)", () => {
  const now = 1_800_000_000;
  const claim: EmergencyClaim = { grantId: "g-1", scope: "READ", patientRef: "p-1", expiresAt: now + 60 };

  it("round-trips through the assertion's wire form", () => {
    expect(parseEmergencyClaim(toEmergencyClaimWire(claim), now)).toEqual(claim);
    expect(parseEmergencyClaim(toEmergencyClaimWire({ ...claim, patientRef: undefined }), now)).toEqual({ ...claim, patientRef: undefined });
  });

  it.each([
    ["absent", undefined],
    ["expired", { gid: "g-1", scope: "READ", exp: now }],
    ["an unknown scope", { gid: "g-1", scope: "ADMIN", exp: now + 60 }],
    ["a non-string patient", { gid: "g-1", scope: "READ", pat: 7, exp: now + 60 }],
    ["no grant id", { scope: "READ", exp: now + 60 }],
  ])("is no grant when %s", (_name, value) => {
    expect(parseEmergencyClaim(value, now)).toBeUndefined();
  });

  it("covers its patient (or every patient) and only the scope it grants", () => {
    expect(emergencyCovers(claim, "p-1")).toBe(true);
    expect(emergencyCovers(claim, "p-2")).toBe(false);
    expect(emergencyCovers(claim, "p-1", "READ_WRITE")).toBe(false);
    expect(emergencyCovers({ ...claim, scope: "READ_WRITE", patientRef: undefined }, "p-2", "READ_WRITE")).toBe(true);
    expect(emergencyCovers(undefined, "p-1")).toBe(false);
  });
});

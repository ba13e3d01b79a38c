import { allow } from "graphql-shield";
import { fullPermissionMap } from "../../src/features/assemble";
import { errorOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";

/** A valid document for every field that needs a signed-in caller (admin fields: see admin.test.ts and audit/audit-review.test.ts). */
const signedInFields: Record<string, string> = {
  me: "{ me { sub } }",
  sessions: "{ sessions { id } }",
  changePassword: 'mutation { changePassword(currentPassword: "Current-Passw0rd-1", newPassword: "Another-Passw0rd-2") }',
  resetMfa: 'mutation { resetMfa(currentPassword: "Current-Passw0rd-1", code: "123456") { session } }',
  updateProfile: 'mutation { updateProfile(input: { givenName: "Ada" }) { sub } }',
  requestEmailChange: 'mutation { requestEmailChange(newEmail: "new@example.test") }',
  confirmEmailChange: 'mutation { confirmEmailChange(code: "123456") }',
  logoutEverywhere: "mutation { logoutEverywhere }",
  loginHistory: "{ loginHistory { nodes { time } } }",
  passkeys: "{ passkeys { id } }",
  beginPasskeyRegistration: "mutation { beginPasskeyRegistration }",
  beginPasskeyStepUp: "mutation { beginPasskeyStepUp }",
  completePasskeyRegistration: 'mutation { completePasskeyRegistration(response: "{}", nickname: "Laptop") { id } }',
  renamePasskey: 'mutation { renamePasskey(id: "abc", nickname: "Laptop") { id } }',
  removePasskey: 'mutation { removePasskey(id: "abc") }',
  recoveryCodesLeft: "{ recoveryCodesLeft }",
  generateRecoveryCodes: "mutation { generateRecoveryCodes }",
  // Emergency access: the non-provider and non-admin refusals are in e2e/emergency-access.
  requestEmergencyAccess: 'mutation { requestEmergencyAccess(input: { reason: "Patient unconscious, no assigned clinician" }, code: "123456") { id } }',
  endEmergencyAccess: 'mutation { endEmergencyAccess(id: "00000000-0000-4000-8000-000000000000") { id } }',
  reviewEmergencyAccess: 'mutation { reviewEmergencyAccess(id: "00000000-0000-4000-8000-000000000000", verdict: JUSTIFIED, note: "ok") { id } }',
  emergencyAccesses: "{ emergencyAccesses { nodes { id } } }",
};

describe("fields for signed-in callers", () => {
  it("logout without a token or refresh token is UNAUTHENTICATED (it finds the session by either)", async () => {
    const gw = await startTestGateway();
    try {
      expect(errorOf(await gw.run("mutation { logout }")).extensions.code).toBe("UNAUTHENTICATED");
    } finally {
      await gw.close();
    }
  });

  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it("are all listed here (a new guarded field needs its denied-case test)", () => {
    const permissionMap = fullPermissionMap();
    const guarded = [...Object.entries(permissionMap.Query), ...Object.entries(permissionMap.Mutation)]
      .filter(([field, rule]) => rule !== allow && !field.startsWith("admin") && field !== "users" && field !== "auditEvents")
      .map(([field]) => field)
      .sort();
    expect(Object.keys(signedInFields).sort()).toEqual(guarded);
  });

  it.each(Object.entries(signedInFields))("%s is UNAUTHENTICATED for an anonymous caller", async (_field, document) => {
    expect(errorOf(await gw.run(document)).extensions.code).toBe("UNAUTHENTICATED");
  });
});

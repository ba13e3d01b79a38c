import { loadConfig } from "../../src/config";
import * as ops from "../generated/graphql";
import { dataOf, errorOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, grantGroup, loginWithMfa } from "../support/users";

/** EMERGENCY_ACCESS=off: what production may choose instead of an alert webhook. */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ settings: { emergency: { ...loadConfig({ EMERGENCY_ACCESS: "off" }).emergency } } });
}, 60_000);
afterAll(() => gw?.close());

it("refuses every emergency request (FORBIDDEN, EMERGENCY_ACCESS_DISABLED), audited as a failed request: no grant", async () => {
  const user = await enrolledUser(gw);
  const sub = dataOf(await gw.run(ops.MeDocument, {}, { token: user.accessToken })).me.sub;
  await grantGroup(sub, "provider");
  const provider = (await loginWithMfa(gw, user)).tokens!;
  const refused = await gw.run(ops.RequestEmergencyAccessDocument, { input: { reason: "Patient collapsed in the waiting room" }, code: await freshCode(user.secret) }, { token: provider.accessToken });
  expect(errorOf(refused)).toMatchObject({ extensions: { code: "FORBIDDEN", reason: "EMERGENCY_ACCESS_DISABLED" } });
  expect(gw.audit.records.filter((r) => r.event === "EMERGENCY_ACCESS_REQUEST").map((r) => r.outcome)).toEqual(["INTENT", "FAILURE"]);
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdminRemovePasskeyDocument, AdminRemoveUserFromGroupDocument, BeginPasskeyLoginDocument, BeginPasskeyRegistrationDocument, CompletePasskeyLoginDocument, CompletePasskeyRegistrationDocument, MeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { FailingSink } from "../support/failing-sink";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { adminUser, enrolledUser, freshCode, grantGroup } from "../support/users";

/**
 * Ending a session, disabling and locking never wait on the audit sink (issue 22 row 11: their records go to
 * the local spool). An administrator's other emergency levers end sessions too: revoking a user's passkey
 * ("a lost or stolen device; every session of the user ends") and taking a user out of a group (the provider
 * group of a clinician who just left). With the audit sink refusing writes, do they still take effect?
 */
const sink = new FailingSink();
const origin = "http://localhost:4000";
let gw: TestGateway;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "revocation-spool-"));
  gw = await startTestGateway({ auditSink: sink, settings: { auditSpoolFile: join(dir, "audit-spool.jsonl") } });
});
afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  sink.failWhen = () => false;
});

const answerWhileSinkDown = async <T>(run: () => Promise<T>): Promise<T> => {
  sink.failWhen = () => true;
  try {
    return await run();
  } finally {
    sink.failWhen = () => false;
  }
};

describe("ATTACK: an administrator's revocations while the audit sink refuses writes", () => {
  it("adminRemovePasskey revokes the stolen device's passkey and ends its session", async () => {
    const admin = await adminUser(gw);
    const user = await enrolledUser(gw);
    const sub = dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
    const key = new SoftAuthenticator({ origin });
    const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(user.secret) }, { token: user.accessToken })).beginPasskeyRegistration;
    dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: key.register(options), nickname: "Lost phone" }, { token: user.accessToken }));

    const answer = await answerWhileSinkDown(() => gw.run(AdminRemovePasskeyDocument, { userId: sub, id: key.id }, { token: admin.accessToken }));
    const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
    const stolenDeviceSignsIn = (await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: key.assert(begun.options) })).data?.completePasskeyLogin?.tokens !== undefined;
    expect({ answer: answer.data?.adminRemovePasskey ?? answer.errors?.[0]?.extensions?.["code"], stolenDeviceSignsIn }).toEqual({ answer: true, stolenDeviceSignsIn: false });
  });

  it("adminRemoveUserFromGroup ends the clinician's provider access", async () => {
    const admin = await adminUser(gw);
    const clinician = await enrolledUser(gw);
    const sub = dataOf(await gw.run(MeDocument, {}, { token: clinician.accessToken })).me.sub;
    await grantGroup(sub, "provider");
    const answer = await answerWhileSinkDown(() => gw.run(AdminRemoveUserFromGroupDocument, { userId: sub, group: "PROVIDER" }, { token: admin.accessToken }));
    expect(answer.data?.adminRemoveUserFromGroup ?? answer.errors?.[0]?.extensions?.["code"]).toBe(true);
  });
});

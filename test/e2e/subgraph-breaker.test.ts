import { startPatientsSubgraph } from "../../examples/patients/subgraph";
import { MeDocument } from "../generated/graphql";
import { FakeClock } from "../fakes/fake-clock";
import { dataOf, errorOf } from "../support/graphql-client";
import { freePort } from "../support/ports";
import { startStallingProxy, type StallingProxy } from "../support/stalling-proxy";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, grantGroup, loginWithMfa } from "../support/users";

const issuer = "auth-gateway-test";
const myRecord = "{ myRecord { owner } }";

/** Issue 28 row 10: a stalled subgraph opens its breaker; requests then fail fast and never reach it. */
describe("a subgraph that stalls", () => {
  let gw: TestGateway;
  let patients: Awaited<ReturnType<typeof startPatientsSubgraph>>;
  let proxy: StallingProxy;
  const clock = new FakeClock();
  beforeAll(async () => {
    const port = await freePort();
    patients = await startPatientsSubgraph({ gatewayJwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`, issuer });
    proxy = await startStallingProxy(new URL(patients.url));
    gw = await startTestGateway({
      clock,
      settings: { port, subgraphs: [{ name: "patients", url: proxy.url }], federation: { issuer, signingKeyFiles: [] }, subgraphFaults: { timeoutMs: 2000, breakerFailures: 2, breakerOpenSeconds: 30 } },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await proxy?.close();
    await patients?.close();
  });

  it("fails fast with SERVICE_UNAVAILABLE (SUBGRAPH_ERROR) while open, probes once after the open time, and closes when the subgraph answers", async () => {
    const user = await enrolledUser(gw);
    const sub = dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
    await grantGroup(sub, "patient");
    const token = (await loginWithMfa(gw, user)).tokens!.accessToken;
    const ask = () => gw.run<{ myRecord: { owner: string } }, object>(myRecord, {}, { token });
    expect(dataOf(await ask()).myRecord.owner).toBe(sub);

    proxy.stalled = true;
    for (let i = 0; i < 2; i += 1) expect(errorOf(await ask()).extensions).toEqual({ code: "SERVICE_UNAVAILABLE", reason: "SUBGRAPH_ERROR" });
    const heldBeforeOpen = proxy.bytesHeld;
    expect(heldBeforeOpen).toBeGreaterThan(0);
    // Open: answered without a byte sent to the subgraph; the gateway's own API still answers.
    for (let i = 0; i < 5; i += 1) expect(errorOf(await ask()).extensions).toEqual({ code: "SERVICE_UNAVAILABLE", reason: "SUBGRAPH_ERROR" });
    expect(proxy.bytesHeld).toBe(heldBeforeOpen);
    expect(dataOf(await gw.run(MeDocument, {}, { token })).me.sub).toBe(sub);
    const metrics = await (await fetch(gw.url.replace("/graphql", "/metrics"))).text();
    expect(metrics).toMatch(/gateway_subgraph_breaker_open\{subgraph="patients"\} 1/);

    // Half-open after the open time: one probe goes through; the subgraph is back, so the breaker closes.
    proxy.stalled = false;
    clock.advanceSeconds(31);
    expect(dataOf(await ask()).myRecord.owner).toBe(sub);
    expect(dataOf(await ask()).myRecord.owner).toBe(sub);
  });
});

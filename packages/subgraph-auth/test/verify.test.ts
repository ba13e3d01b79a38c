import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateSigningKey, IdentityAsserter, type SigningKey } from "../../../src/federation/identity-token";
import { AssertionRefusedError, createSubgraphAuth, identityFromClaims, MemoryReplayStore } from "@hipaa-auth-gateway/subgraph-auth";
import { FakeClock } from "../../../test/fakes/fake-clock";

const identity = { sub: "user-1", groups: ["patient"], sessionId: "session-1" };
const operation = { query: "{ myRecord { id } }", variables: {} };
const issuer = "https://gateway.example.test";

describe("identity assertions between the gateway and a subgraph", () => {
  const current = generateSigningKey("current");
  const previous = generateSigningKey("previous");
  const published: SigningKey[] = [current, previous];
  let server: Server;
  let jwksUri: string;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end(JSON.stringify(new IdentityAsserter({ keys: published, issuer, clock: new FakeClock() }).jwks())));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const asserter = (keys: SigningKey[] = published, clock = new FakeClock()) => new IdentityAsserter({ keys, issuer, clock });
  const subgraph = (mode: "reject" | "anonymous" = "reject") => createSubgraphAuth({ gatewayJwksUri: jwksUri, issuer, audience: "patients", onMissingOrInvalid: mode });
  const reasonOf = (pending: Promise<unknown>) => pending.then(() => "accepted", (e: unknown) => (e as { extensions?: { reason?: string } }).extensions?.reason);

  it("accepts a fresh assertion for this subgraph and this operation, once", async () => {
    const auth = subgraph();
    const assertion = asserter().sign(identity, "patients", operation);
    expect(await auth.identify({ "x-identity-assertion": assertion }, operation)).toEqual({ identity });
    expect(await reasonOf(auth.identify({ "x-identity-assertion": assertion }, operation))).toBe("REPLAYED");
  });

  it("refuses one issued for another subgraph", async () => {
    expect(await reasonOf(subgraph().identify({ "x-identity-assertion": asserter().sign(identity, "billing", operation) }, operation))).toBe("INVALID");
  });

  it("refuses one past its expiry (60 s, 5 s skew)", async () => {
    const clock = new FakeClock(Date.now() - 70_000);
    expect(await reasonOf(subgraph().identify({ "x-identity-assertion": asserter(published, clock).sign(identity, "patients", operation) }, operation))).toBe("EXPIRED");
  });

  it("refuses one sent with another operation or other variables", async () => {
    const assertion = asserter().sign(identity, "patients", operation);
    expect(await reasonOf(subgraph().identify({ "x-identity-assertion": assertion }, { query: "{ patients { id } }" }))).toBe("OPERATION_MISMATCH");
    expect(await reasonOf(subgraph().identify({ "x-identity-assertion": assertion }, { ...operation, variables: { id: "2" } }))).toBe("OPERATION_MISMATCH");
  });

  it("refuses one signed by a key the gateway does not publish", async () => {
    expect(await reasonOf(subgraph().identify({ "x-identity-assertion": asserter([generateSigningKey("current")]).sign(identity, "patients", operation) }, operation))).toBe("INVALID");
  });

  it("accepts one signed with the previous key during a rotation", async () => {
    expect((await subgraph().identify({ "x-identity-assertion": asserter([previous]).sign(identity, "patients", operation) }, operation)).identity).toEqual(identity);
  });

  it("rejects a request without an assertion, or treats it as anonymous, as the subgraph chooses", async () => {
    expect(await reasonOf(subgraph("reject").identify({}, operation))).toBe("MISSING");
    expect(await subgraph("anonymous").identify({ "x-identity-assertion": "garbage" }, operation)).toEqual({ identity: undefined });
  });

  it("refuses with a typed error that Apollo and Yoga answer as 401", async () => {
    const refused = await subgraph().identify({}, operation).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AssertionRefusedError);
    expect(refused).toMatchObject({ reason: "MISSING", status: 401, extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
  });

});

describe("the parts of the package", () => {
  it("remembers a used jti until it expires, then forgets it", async () => {
    const clock = new FakeClock();
    const store = new MemoryReplayStore(clock);
    expect(await store.setIfAbsent("a", "1", 10)).toBe(true);
    expect(await store.setIfAbsent("a", "1", 10)).toBe(false);
    clock.advanceSeconds(11);
    expect(await store.setIfAbsent("a", "1", 10)).toBe(true);
  });

  it("builds the identity from known claims only, and refuses one without sub or sid", () => {
    expect(identityFromClaims({ sub: "u", sid: "s", groups: ["admin", 7], emergency: { reason: "x" }, email: "e@x" })).toEqual({ sub: "u", sessionId: "s", groups: ["admin"] });
    expect(identityFromClaims({ sub: "u", groups: [] })).toBeUndefined();
    expect(identityFromClaims({ sid: "s" })).toBeUndefined();
  });
});

import { generateSigningKey, IdentityAsserter } from "../../../src/federation/identity-token";
import { compositionQuery, createSubgraphAuth, isCompositionOperation } from "@hipaa-auth-gateway/subgraph-auth";
import { audience, issuer, patient, startGatewayKeys } from "./support";

const reasonOf = (pending: Promise<unknown>) => pending.then((value) => ({ accepted: value }), (e: unknown) => (e as { extensions?: { reason?: string } }).extensions?.reason);

describe("the gateway's composition request in reject mode", () => {
  let keys: Awaited<ReturnType<typeof startGatewayKeys>>;
  beforeAll(async () => {
    keys = await startGatewayKeys();
  });
  afterAll(() => keys.close());
  const auth = () => createSubgraphAuth({ gatewayJwksUri: keys.jwksUri, issuer, audience, onMissingOrInvalid: "reject" });
  const composition = (query = compositionQuery) => keys.asserter.signComposition(audience, { query });

  it("answers `_service { sdl }` signed for composition, with no identity, once", async () => {
    const subgraph = auth();
    const assertion = composition();
    expect(await subgraph.identify({ "x-identity-assertion": assertion }, { query: compositionQuery })).toEqual({ identity: undefined });
    expect(await reasonOf(subgraph.identify({ "x-identity-assertion": assertion }, { query: compositionQuery }))).toBe("REPLAYED");
  });

  it("still needs the assertion for `_service { sdl }`: nothing is exempt unsigned", async () => {
    expect(await reasonOf(auth().identify({}, { query: compositionQuery }))).toBe("MISSING");
    const foreign = new IdentityAsserter({ keys: [generateSigningKey("test-key")], issuer, clock: { now: () => Date.now() } });
    expect(await reasonOf(auth().identify({ "x-identity-assertion": foreign.signComposition(audience, { query: compositionQuery }) }, { query: compositionQuery }))).toBe("INVALID");
    expect(await reasonOf(auth().identify({ "x-identity-assertion": keys.asserter.signComposition("billing", { query: compositionQuery }) }, { query: compositionQuery }))).toBe("INVALID");
  });

  it("never lets a composition assertion reach `_entities` or any other field", async () => {
    const entities = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on PatientRecord { note } } }';
    const others = [entities, "{ myRecord { note } }", "{ _service { sdl } myRecord { note } }", "{ a: _service { sdl } }", "{ _service { sdl __typename } }", "mutation { _service { sdl } }"];
    for (const query of others) {
      // Signed for exactly that operation with the gateway's own key: still not an identity.
      expect(await reasonOf(auth().identify({ "x-identity-assertion": composition(query) }, { query }))).toBe("INVALID");
      await expect(auth().verify(composition(query), { query })).rejects.toMatchObject({ reason: "INVALID" });
      // The composition request's assertion, moved to another operation.
      expect(await reasonOf(auth().identify({ "x-identity-assertion": composition() }, { query }))).toBe("OPERATION_MISMATCH");
      expect(await reasonOf(auth().identify({}, { query }))).toBe("MISSING");
    }
  });

  it("gives no identity from verify() for a composition assertion, and a user's assertion keeps working on `_service`", async () => {
    await expect(auth().verify(composition(), { query: compositionQuery })).rejects.toMatchObject({ reason: "INVALID" });
    const signedForUser = keys.asserter.sign(patient, audience, { query: compositionQuery, variables: undefined });
    expect(await auth().identify({ "x-identity-assertion": signedForUser }, { query: compositionQuery })).toEqual({ identity: patient });
  });

  it("recognises exactly `_service { sdl }`", () => {
    expect(isCompositionOperation(compositionQuery)).toBe(true);
    expect(isCompositionOperation("{ _service { sdl } }")).toBe(true);
    for (const query of ["{ _service { sdl } __typename }", "{ _service { __typename } }", "{ _service { sdl } } query B { __typename }", "fragment F on Query { x }", "{ _service(x: 1) { sdl } }", "not graphql {"]) {
      expect(isCompositionOperation(query)).toBe(false);
    }
  });
});

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPairSync } from "node:crypto";
import { createAccessTokenVerifier } from "../../../src/context/token-verifier";
import { signRs256, strangerKey } from "../../support/jwt";

describe("JWKS fetching", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: "jwk" }), kid: "known", alg: "RS256", use: "sig" };
  let server: Server;
  let fetches = 0;
  let base: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      fetches++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const payload = (issuer: string) => ({ sub: "s", jti: "j", exp: Math.floor(Date.now() / 1000) + 300, iss: issuer, token_use: "access", client_id: "client" });

  it("fetches once at start-up, and a flood of 1,000 unknown-kid tokens causes at most a couple more", async () => {
    const issuer = `${base}/pool`;
    const verifier = createAccessTokenVerifier({ issuer, jwksUri: `${base}/pool/jwks.json`, clientId: "client" });
    await verifier.hydrate();
    expect(fetches).toBe(1);
    expect((await verifier.verify(signRs256({ header: { kid: "known" }, payload: payload(issuer) }, privateKey))).sub).toBe("s");

    const stranger = strangerKey();
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => verifier.verify(signRs256({ header: { kid: `unknown-${i}` }, payload: payload(issuer) }, stranger)).then(() => "accepted", (e: unknown) => (e as { code?: string }).code)),
    );
    expect(new Set(results)).toEqual(new Set(["UNAUTHENTICATED"]));
    expect(fetches).toBeLessThanOrEqual(3);
  });
});

import { request } from "node:http";
import { randomUUID } from "node:crypto";
import { MeDocument, RefreshTokensDocument } from "../generated/graphql";
import { countingIdp } from "../support/counting-idp";
import { dataOf, errorOf, execute } from "../support/graphql-client";
import { cognitoLocalKey, cognitoLocalPublicPem, decodePayload, signHs256, signRs256, strangerKey, unsigned } from "../support/jwt";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, loginWithMfa, providerAccessToken, type EnrolledUser } from "../support/users";

let gw: TestGateway;
let counted: ReturnType<typeof countingIdp>;
let callsBeforeAttacks = 0;
let user: EnrolledUser;
let idToken: string;
let claims: Record<string, unknown>;
/** Cognito's own access token behind the user's handle (still accepted as a bearer, and verified). */
let providerToken: string;

beforeAll(async () => {
  counted = countingIdp();
  gw = await startTestGateway({ idp: counted.idp });
  user = await enrolledUser(gw);
  idToken = (await loginWithMfa(gw, user)).tokens!.idToken;
  providerToken = await providerAccessToken(gw, user.accessToken);
  claims = decodePayload(providerToken);
  callsBeforeAttacks = counted.calls.length;
});
afterAll(() => gw.close());

const now = () => Math.floor(Date.now() / 1000);
const header = { kid: "CognitoLocal" };
/** A correctly signed copy of the user's own live token with some claims changed. */
const resigned = (changes: Record<string, unknown>) => signRs256({ header, payload: { ...claims, ...changes } }, cognitoLocalKey());

const cases: [string, () => string, string][] = [
  ["garbage", () => "garbage", "TOKEN_INVALID"],
  ["alg: none", () => unsigned({ header, payload: claims }), "TOKEN_INVALID"],
  ["HS256 signed with the public key (algorithm confusion)", () => signHs256({ header, payload: claims }, cognitoLocalPublicPem()), "TOKEN_INVALID"],
  ["RS256 signed by an unknown key", () => signRs256({ header, payload: claims }, strangerKey()), "TOKEN_INVALID"],
  ["an unknown kid", () => signRs256({ header: { kid: "someone-else" }, payload: claims }, strangerKey()), "TOKEN_INVALID"],
  ["expired", () => resigned({ iat: now() - 7200, exp: now() - 60 }), "TOKEN_EXPIRED"],
  ["not valid yet", () => resigned({ nbf: now() + 3600 }), "TOKEN_INVALID"],
  ["another issuer", () => resigned({ iss: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other" }), "TOKEN_INVALID"],
  ["another app client", () => resigned({ client_id: "someotherclient" }), "TOKEN_INVALID"],
  ["an id token", () => idToken, "TOKEN_INVALID"],
  ["a refresh token", () => user.refreshToken, "TOKEN_INVALID"],
  ["truncated", () => providerToken.slice(0, -6), "TOKEN_INVALID"],
  ["a truncated handle", () => user.accessToken.slice(0, -1), "TOKEN_INVALID"],
  ["a valid signature for a session the gateway never opened", () => resigned({ jti: randomUUID() }), "TOKEN_REVOKED"],
];

describe("bearer tokens", () => {
  it("accepts the user's real token (the control: the cases below differ from it in one way)", async () => {
    expect(dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.email).toBe(user.email);
    expect(dataOf(await gw.run(MeDocument, {}, { token: providerToken })).me.email).toBe(user.email);
  });

  it.each(cases)("refuses %s with 401 UNAUTHENTICATED", async (_name, token, reason) => {
    const response = await gw.run(MeDocument, {}, { token: token() });
    expect(response.status).toBe(401);
    expect(errorOf(response).extensions).toEqual({ code: "UNAUTHENTICATED", reason });
    expect(JSON.stringify(response)).not.toMatch(/stack|Jwt[A-Za-z]*Error|at .*\.js/);
  });

  it("refuses a non-Bearer scheme and a token over 8 KB", async () => {
    for (const authorization of [`Basic ${user.accessToken}`, `Bearer ${"a".repeat(9000)}.b.c`]) {
      const response = await execute(gw.url, MeDocument, {}, { headers: { authorization } });
      expect(response.status).toBe(401);
      expect(errorOf(response).extensions.reason).toBe("TOKEN_INVALID");
    }
  });

  it("refuses a 64 KB Authorization header at the HTTP layer (431), before any parsing", async () => {
    const response = await fetch(gw.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${"a".repeat(64 * 1024)}` },
      body: JSON.stringify({ query: "{ me { sub } }" }),
    });
    expect(response.status).toBe(431);
  });

  it("refuses two Authorization headers, even when one is valid", async () => {
    const body = JSON.stringify({ query: "{ me { sub } }" });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(gw.url, {
        method: "POST",
        // Raw header list: two separate Authorization lines on the wire.
        headers: ["host", new URL(gw.url).host, "content-type", "application/json", "content-length", String(Buffer.byteLength(body)), "authorization", `Bearer ${user.accessToken}`, "authorization", "Bearer garbage.garbage.garbage"],
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(body);
    });
    expect(status).toBe(401);
  });

  it("made no Cognito call for any refused bearer token", () => {
    expect(counted.calls.slice(callsBeforeAttacks)).toEqual([]);
  });

  it("answers refresh with a garbage refresh token as UNAUTHENTICATED, not a 500", async () => {
    expect(errorOf(await gw.run(RefreshTokensDocument, { refreshToken: "garbage" })).extensions.code).toBe("UNAUTHENTICATED");
  });

  it("audits each rejected token with its reason (repeats aggregated per address and reason), never the token", async () => {
    await gw.refusals.flush();
    const rejected = gw.audit.records.filter((r) => r.event === "TOKEN_REJECTED");
    // One record for the first of each reason, then one summary counting the repeats.
    const total = rejected.reduce((sum, r) => sum + (r.count ?? 1), 0);
    expect(total).toBeGreaterThanOrEqual(cases.length);
    expect(new Set(rejected.map((r) => r.reason?.replace(":REPEATED", "")))).toEqual(new Set(cases.map((c) => c[2])));
    expect(JSON.stringify(gw.audit.records)).not.toContain(providerToken.split(".")[2]);
    expect(JSON.stringify(gw.audit.records)).not.toContain(user.accessToken);
  });
});

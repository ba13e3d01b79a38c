import { countingIdp } from "../support/counting-idp";
import { errorOf, execute } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, uniqueEmail } from "../support/users";
import { loadConfig } from "../../src/config";
import { ForgotPasswordDocument, RegisterDocument } from "../generated/graphql";

const aliases = (count: number, field: (i: number) => string) => `mutation { ${Array.from({ length: count }, (_, i) => `a${i}: ${field(i)}`).join(" ")} }`;
const codesOf = (response: { errors?: { path?: string[]; extensions: { code: string } }[] }) => (response.errors ?? []).map((e) => e.extensions.code);

describe("GraphQL abuse", () => {
  let gw: TestGateway;
  let counted: ReturnType<typeof countingIdp>;
  beforeAll(async () => {
    counted = countingIdp();
    gw = await startTestGateway({ idp: counted.idp });
  });
  afterAll(() => gw.close());
  const initiateAuths = () => counted.calls.filter((c) => c === "InitiateAuthCommand").length;

  it("refuses 100 login aliases outright, before any Cognito call", async () => {
    const before = initiateAuths();
    const response = await gw.run(aliases(100, () => `login(email: "victim@example.test", password: "guess-1234") { tokens { accessToken } }`));
    // Over the token limit (parse) or the alias limit (validation): either way a 400 before anything runs.
    expect(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED"]).toContain(errorOf(response).extensions.code);
    expect(response.status).toBe(400);
    expect(initiateAuths()).toBe(before);
  });

  /**
   * Every mutation returns a non-null type, so graphql-js stops a serial mutation at its first failing
   * alias: a request carries at most one failed attempt, and that one is counted like any other.
   */
  const attemptsBy = async (requests: number, document: () => string) => {
    const codes: string[] = [];
    for (let i = 0; i < requests; i++) codes.push(...codesOf(await gw.run(document())));
    return codes;
  };

  it("never lets aliased logins add up to more than one counted attempt each: 5 reach Cognito, then the lock", async () => {
    const user = await enrolledUser(gw);
    const before = initiateAuths();
    const codes = await attemptsBy(8, () => aliases(10, () => `login(email: "${user.email}", password: "Wrong-Passw0rd-!!") { tokens { accessToken } }`));
    expect(codes).toEqual([...Array(5).fill("INVALID_CREDENTIALS"), ...Array(3).fill("ACCOUNT_LOCKED")]);
    expect(initiateAuths() - before).toBe(5);
  });

  it("stops confirmation-code guessing (aliased or not) after 5 wrong codes", async () => {
    const email = uniqueEmail();
    await gw.run(RegisterDocument, { input: { email, password: "Correct-Horse-Battery-9" } });
    let n = 0;
    const codes = await attemptsBy(8, () => aliases(10, () => `confirmSignUp(email: "${email}", code: "${String(n++).padStart(6, "0")}")`));
    expect(codes).toEqual([...Array(5).fill("CODE_MISMATCH"), ...Array(3).fill("TOO_MANY_REQUESTS")]);
  });

  it("stops password-reset code guessing the same way", async () => {
    const user = await enrolledUser(gw);
    await gw.run(ForgotPasswordDocument, { email: user.email });
    let n = 0;
    const codes = await attemptsBy(8, () => aliases(10, () => `confirmForgotPassword(email: "${user.email}", code: "${String(900000 + n++)}", newPassword: "Brand-New-Passw0rd-1")`));
    expect(codes).toEqual([...Array(5).fill("CODE_MISMATCH"), ...Array(3).fill("TOO_MANY_REQUESTS")]);
  });

  it("refuses documents that are too long or carry too many directives", async () => {
    const directives = `{ me ${Array.from({ length: 11 }, () => "@include(if: true)").join(" ")} { sub } }`;
    const long = `{ me { ${Array.from({ length: 1600 }, () => "sub").join(" ")} } }`;
    for (const document of [directives, long]) {
      const code = errorOf(await gw.run(document)).extensions.code;
      expect(["GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "BAD_REQUEST"]).toContain(code);
    }
  });

  it("refuses batched requests", async () => {
    const response = await fetch(gw.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([{ query: "{ passwordPolicy { minLength } }" }, { query: "{ passwordPolicy { minLength } }" }]) });
    expect(response.status).toBe(400);
  });

  it("refuses a body over 64 kB at the HTTP layer", async () => {
    const response = await fetch(gw.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: `{ passwordPolicy { minLength } } #${"x".repeat(70_000)}` }) });
    expect(response.status).toBe(413);
  });

  it("requires a CSRF-safe request (JSON or a preflight header)", async () => {
    const simple = await fetch(gw.url, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ query: "{ passwordPolicy { minLength } }" }) });
    expect(simple.status).toBe(400);
    const get = await fetch(`${gw.url}?query=${encodeURIComponent("{ passwordPolicy { minLength } }")}`);
    expect(get.status).toBe(400);
  });

  it("sends security headers", async () => {
    const response = await fetch(gw.url.replace("/graphql", "/healthz"));
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("strict-transport-security")).toContain("max-age=");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(response.headers.get("x-powered-by")).toBeNull();
  });

  it("sends no CORS headers unless origins are configured", async () => {
    const response = await fetch(gw.url.replace("/graphql", "/healthz"), { headers: { origin: "https://evil.example.test" } });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("configured limits", () => {
  const defaults = loadConfig({}).policy;

  it("answers TOO_MANY_REQUESTS with retryAfterSeconds past the per-account limit", async () => {
    const gw = await startTestGateway({ settings: { policy: { ...defaults, rateLimitIpPerMinute: 0, rateLimitAccountPerMinute: 3 } } });
    try {
      const email = uniqueEmail();
      const response = await gw.run(aliases(4, () => `resendConfirmationCode(email: "${email}")`));
      expect(codesOf(response)).toEqual(["TOO_MANY_REQUESTS"]);
      expect(response.errors?.[0]?.path).toEqual(["a3"]);
      expect(response.errors?.[0]?.extensions["retryAfterSeconds"]).toBeGreaterThan(0);
    } finally {
      await gw.close();
    }
  });

  it("limits one address across accounts", async () => {
    const gw = await startTestGateway({ settings: { policy: { ...defaults, rateLimitIpPerMinute: 5, rateLimitAccountPerMinute: 0 } } });
    try {
      const response = await gw.run(aliases(7, () => `resendConfirmationCode(email: "${uniqueEmail()}")`));
      // Five pass; the sixth is refused (and, non-null, stops the rest).
      expect(codesOf(response)).toEqual(["TOO_MANY_REQUESTS"]);
      expect(response.errors?.[0]?.path).toEqual(["a5"]);
    } finally {
      await gw.close();
    }
  });

  it("allows configured origins, and only them", async () => {
    const gw = await startTestGateway({ settings: { corsOrigins: ["https://app.example.test"] } });
    try {
      const health = gw.url.replace("/graphql", "/healthz");
      expect((await fetch(health, { headers: { origin: "https://app.example.test" } })).headers.get("access-control-allow-origin")).toBe("https://app.example.test");
      expect((await fetch(health, { headers: { origin: "https://evil.example.test" } })).headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await gw.close();
    }
  });

  it("hides field suggestions outside dev mode", async () => {
    const prod = await startTestGateway({ settings: { dev: false } });
    try {
      const hidden = errorOf(await execute(prod.url, "{ passwordPolicie { minLength } }"));
      expect(hidden.message).not.toMatch(/Did you mean/);
    } finally {
      await prod.close();
    }
  });
});

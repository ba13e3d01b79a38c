import type { AuditRecord } from "../../src/audit/audit-event";
import { LoginDocument, LogoutDocument, MeDocument, RefreshTokensDocument } from "../generated/graphql";
import { TEST_CODE } from "../setup/test-cognito";
import { countingIdp } from "../support/counting-idp";
import { dataOf, errorOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, loginWithMfa, PASSWORD, registerConfirmed, uniqueEmail } from "../support/users";

describe("operations", () => {
  let gw: TestGateway;
  let counted: ReturnType<typeof countingIdp>;
  beforeAll(async () => {
    counted = countingIdp();
    gw = await startTestGateway({ idp: counted.idp });
  });
  afterAll(() => gw.close());

  it("answers /healthz and /readyz", async () => {
    const base = gw.url.replace("/graphql", "");
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", checks: { jwks: "ok", identityProvider: "ok", store: "ok", auditSink: "ok" } });
  });

  it("echoes a safe x-request-id and makes one up otherwise", async () => {
    expect((await gw.run(MeDocument, {}, { headers: { "x-request-id": "trace-123" } })).headers.get("x-request-id")).toBe("trace-123");
    const made = (await gw.run(MeDocument, {}, { headers: { "x-request-id": "bad id\twith tabs" } })).headers.get("x-request-id");
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("makes no Cognito call for authenticated requests", async () => {
    const user = await enrolledUser(gw);
    const before = counted.calls.length;
    for (let i = 0; i < 50; i++) dataOf(await gw.run(MeDocument, {}, { token: user.accessToken }));
    expect(counted.calls.slice(before)).toEqual([]);
  });

  it("allows introspection in dev mode only", async () => {
    expect(dataOf(await gw.run<{ __schema: { queryType: { name: string } } }, object>("{ __schema { queryType { name } } }")).__schema.queryType.name).toBe("Query");
    const prod = await startTestGateway({ settings: { dev: false } });
    try {
      expect(errorOf(await prod.run("{ __schema { queryType { name } } }")).extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    } finally {
      await prod.close();
    }
  });
});

describe("the audit log", () => {
  it("records every auth event of a session, before the response, without secrets or PHI", async () => {
    const gw = await startTestGateway();
    try {
      const user = await enrolledUser(gw);
      const second = await loginWithMfa(gw, user);
      dataOf(await gw.run(RefreshTokensDocument, { refreshToken: second.tokens!.refreshToken! }));
      errorOf(await gw.run(LoginDocument, { email: user.email, password: "Wrong-Password-99" }));
      dataOf(await gw.run(LogoutDocument, { refreshToken: second.tokens!.refreshToken }, { token: second.tokens!.accessToken }));

      const events = gw.audit.records.map((r) => `${r.event}:${r.outcome}`);
      // Every operation writes its intent before it acts, then its outcome.
      const pairs = ["REGISTER:SUCCESS", "CONFIRM_SIGN_UP:SUCCESS", "LOGIN:CHALLENGE", "MFA_SETUP_BEGIN:SUCCESS", "MFA_SETUP_COMPLETE:SUCCESS", "LOGIN:CHALLENGE", "MFA_CHALLENGE:SUCCESS", "TOKEN_REFRESH:SUCCESS", "LOGIN:FAILURE", "LOGOUT:SUCCESS"];
      expect(events).toEqual(pairs.flatMap((outcome) => [`${outcome.split(":")[0]}:INTENT`, outcome]));
      const completed = gw.audit.records.find((r) => r.event === "MFA_CHALLENGE" && r.outcome === "SUCCESS") as AuditRecord;
      expect(completed).toMatchObject({ subject: expect.stringMatching(/^[0-9a-f-]{36}$/), sessionId: expect.any(String), requestId: expect.any(String), ip: expect.any(String), userAgent: expect.any(String) });

      const everything = JSON.stringify(gw.audit.records);
      for (const secret of [user.email, PASSWORD, "Wrong-Password-99", TEST_CODE, user.secret, user.accessToken, second.tokens!.accessToken, second.tokens!.refreshToken!]) {
        expect(everything).not.toContain(secret);
      }
    } finally {
      await gw.close();
    }
  });

  it("fails the operation with SERVICE_UNAVAILABLE when the audit sink cannot write", async () => {
    const gw = await startTestGateway({ auditSink: { write: () => Promise.reject(new Error("disk full")) } });
    try {
      const response = await gw.run(LoginDocument, { email: uniqueEmail(), password: PASSWORD });
      expect(errorOf(response).extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", reason: "AUDIT_UNAVAILABLE" });
    } finally {
      await gw.close();
    }
  });

  it("records a successful step before the caller gets its answer", async () => {
    const gw = await startTestGateway();
    try {
      const email = await registerConfirmed(gw);
      const count = gw.audit.records.length;
      dataOf(await gw.run(LoginDocument, { email, password: PASSWORD }));
      expect(gw.audit.records.length).toBe(count + 2);
    } finally {
      await gw.close();
    }
  });
});

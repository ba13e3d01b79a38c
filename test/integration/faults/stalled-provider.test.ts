import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { print } from "graphql";
import { startLocalCognito, type LocalCognito } from "../../../src/dev/local-cognito";
import { provisionLocalPool } from "../../../src/dev/provision-local";
import { LoginDocument, RefreshTokensDocument, RegisterDocument } from "../../generated/graphql";
import { TEST_CODE } from "../../setup/test-cognito";
import { dataOf } from "../../support/graphql-client";
import { startTestGateway, testSettings, type TestGateway } from "../../support/test-gateway";
import { enrolledUser, PASSWORD, uniqueEmail } from "../../support/users";
import { freePort } from "../../support/ports";


/** A request that must be answered within `deadlineMs`: a hang fails the test by aborting the fetch. */
const within = async (deadlineMs: number, url: string, body?: unknown) => {
  const response = await fetch(url, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(deadlineMs),
  });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as { errors?: { extensions: { code: string; reason?: string } }[]; checks?: Record<string, string> } };
};

/** Row 1 and 2 of the faults issue: a Cognito that stops answering (SIGSTOP) is a 503 within 5 s, not a hang. */
describe("a stalled Cognito (SIGSTOP)", () => {
  let dir: string;
  let local: LocalCognito;
  let gw: TestGateway;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "stalled-cognito-"));
    local = await startLocalCognito({ port: await freePort(), dir, code: TEST_CODE });
    const pool = await provisionLocalPool(local.endpoint);
    const base = testSettings();
    gw = await startTestGateway({ settings: { cognito: { ...base.cognito, ...pool, endpoint: local.endpoint } } });
  });
  afterAll(async () => {
    if (local?.pid) process.kill(local.pid, "SIGCONT");
    await gw?.close();
    await local?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers login, register and refresh with 503 SERVICE_UNAVAILABLE within 5 s, readiness within 2 s, and keeps no lockout slot", async () => {
    const user = await enrolledUser(gw);
    process.kill(local.pid!, "SIGSTOP");
    try {
      const requests = [
        { query: print(LoginDocument), variables: { email: user.email, password: PASSWORD } },
        { query: print(RegisterDocument), variables: { input: { email: uniqueEmail(), password: PASSWORD } } },
        { query: print(RefreshTokensDocument), variables: { refreshToken: user.refreshToken } },
      ];
      for (const request of requests) {
        const answer = await within(5000, gw.url, request);
        expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
        expect(answer.status).toBe(503);
        expect(answer.retryAfter).toMatch(/^\d+$/);
      }
      const ready = await within(2000, gw.url.replace("/graphql", "/readyz"));
      expect(ready.status).toBe(503);
      expect(ready.body.checks).toMatchObject({ identityProvider: "unavailable", store: "ok" });
      // More right-password logins than the lockout threshold, all failing on the provider: none counted.
      for (let i = 0; i < 5; i++) expect((await within(5000, gw.url, requests[0])).body.errors?.[0]?.extensions.code).toBe("SERVICE_UNAVAILABLE");
    } finally {
      process.kill(local.pid!, "SIGCONT");
    }
    const after = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login;
    expect(after.challenge?.name).toBe("SOFTWARE_TOKEN_MFA");
  }, 60_000);
});

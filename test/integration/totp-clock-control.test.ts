import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalCognito } from "../../src/dev/local-cognito";
import { LoginDocument, RespondToMfaDocument } from "../generated/graphql";
import { TEST_CODE } from "../setup/test-cognito";
import { dataOf, errorOf } from "../support/graphql-client";
import { freePort } from "../support/ports";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { shiftTotpClock, totpAt } from "../support/totp-clock";
import { enrolledUser, freshCode, PASSWORD } from "../support/users";

/**
 * The tests' way around cognito-local's wall-clock TOTP (patches/): its clock moves per secret, so a test
 * uses more codes of one account than a 90 s window holds without waiting. This checks the shift is real
 * (cognito-local follows it, for that secret only) and that the control exists only where tests ask for it.
 */
describe("cognito-local's TOTP clock control (tests only)", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  const challenge = async (email: string) => dataOf(await gw.run(LoginDocument, { email, password: PASSWORD })).login.challenge!.session;

  it("moves one secret's clock: a wall-clock code is then refused and the shifted step's code accepted", async () => {
    const shifted = await enrolledUser(gw);
    const untouched = await enrolledUser(gw);
    const wallClockCode = totpAt(shifted.secret, 0);
    await shiftTotpClock(shifted.secret, 10 * 30_000);
    expect(totpAt(shifted.secret, 0)).not.toBe(wallClockCode);
    const refused = await gw.run(RespondToMfaDocument, { session: await challenge(shifted.email), code: wallClockCode });
    expect(errorOf(refused).extensions.code).toBe("CODE_MISMATCH");
    const accepted = dataOf(await gw.run(RespondToMfaDocument, { session: await challenge(shifted.email), code: await freshCode(shifted.secret) })).respondToMfa;
    expect(accepted.tokens?.accessToken).toEqual(expect.any(String));
    // The other account still runs on the wall clock.
    const other = dataOf(await gw.run(RespondToMfaDocument, { session: await challenge(untouched.email), code: await freshCode(untouched.secret) })).respondToMfa;
    expect(other.tokens?.accessToken).toEqual(expect.any(String));
  });

  it("four sessions of one account in a row each get a new code, and a replayed one is still refused", async () => {
    const user = await enrolledUser(gw);
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const code = await freshCode(user.secret);
      codes.push(code);
      expect(dataOf(await gw.run(RespondToMfaDocument, { session: await challenge(user.email), code })).respondToMfa.tokens).not.toBeNull();
    }
    expect(new Set([user.enrolmentCode, ...codes]).size).toBe(5);
    const replay = await gw.run(RespondToMfaDocument, { session: await challenge(user.email), code: codes.at(-1)! });
    expect(errorOf(replay).extensions.code).toBe("CODE_MISMATCH");
  });

  it("is absent from a cognito-local started without it (dev mode never exposes it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "authgw-totp-clock-"));
    const local = await startLocalCognito({ port: await freePort(), dir, code: TEST_CODE });
    try {
      const response = await fetch(`${local.endpoint}/_test/totp-clock`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ secretSha256: "0".repeat(64), shiftMs: 30_000 }),
      });
      expect(response.status).toBe(404);
    } finally {
      await local.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig } from "../../../src/config";
import { RegisterDocument } from "../../generated/graphql";
import { dataOf, errorOf } from "../../support/graphql-client";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { uniqueEmail } from "../../support/users";

const BREACHED = "Plausible-Looking-Passphrase-77";
const sha1 = (p: string) => createHash("sha1").update(p).digest("hex").toUpperCase();

describe("known and breached passwords", () => {
  let gw: TestGateway;
  let stub: Server;
  const asked: string[] = [];
  beforeAll(async () => {
    // A stand-in for the Pwned Passwords range API: it sees only what the gateway sends.
    stub = createServer((req, res) => {
      asked.push(req.url ?? "");
      const prefix = (req.url ?? "").split("/").pop() ?? "";
      const hit = sha1(BREACHED);
      res.end(hit.startsWith(prefix) ? `0000000000000000000000000000000000A:0\r\n${hit.slice(5)}:1234\r\n` : "0000000000000000000000000000000000B:3\r\n");
    });
    await new Promise<void>((resolve) => stub.listen(0, "127.0.0.1", resolve));
    const policy = { ...loadConfig({}).policy, rateLimitIpPerMinute: 0, rateLimitAccountPerMinute: 0, breachedPasswordsUrl: `http://127.0.0.1:${(stub.address() as AddressInfo).port}` };
    gw = await startTestGateway({ settings: { policy } });
  });
  afterAll(async () => {
    await gw.close();
    await new Promise((resolve) => stub.close(resolve));
  });

  it.each(["P@ssw0rd1234", "Password1234!", "Qwerty123456!"])("refuses %s as common, though it has all four classes", async (password) => {
    const error = errorOf(await gw.run(RegisterDocument, { input: { email: uniqueEmail(), password } }));
    expect(error.extensions).toEqual({ code: "PASSWORD_POLICY_VIOLATION", rules: ["common"] });
  });

  it("refuses a password the range API lists, sending only a five-character hash prefix", async () => {
    asked.length = 0;
    const error = errorOf(await gw.run(RegisterDocument, { input: { email: uniqueEmail(), password: BREACHED } }));
    expect(error.extensions).toEqual({ code: "PASSWORD_POLICY_VIOLATION", rules: ["breached"] });
    expect(asked).toEqual([`/range/${sha1(BREACHED).slice(0, 5)}`]);
  });

  it("accepts a strong password the range API does not list", async () => {
    expect(dataOf(await gw.run(RegisterDocument, { input: { email: uniqueEmail(), password: "Unlisted-Strong-Passphrase-31" } })).register.accepted).toBe(true);
  });
});

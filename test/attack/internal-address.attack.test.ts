import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { startPatientsSubgraph } from "../../examples/patients/subgraph";
import { LoginDocument } from "../generated/graphql";
import { errorOf, execute } from "../support/graphql-client";
import { freePort } from "../support/ports";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { PASSWORD, uniqueEmail } from "../support/users";

/**
 * Issue 22 row 10: in gateway mode the gateway's own API runs as an internal subgraph on loopback. Any
 * process on the machine can find that port (as below: from the socket table) and call it directly. It
 * must not be able to choose the address the gateway audits and rate-limits by setting the header the
 * supergraph used to pass it on.
 */
const chosen = "203.0.113.66";

/** TCP ports this process listens on at 127.0.0.1 (what `ss -ltnp` would show an attacker on the machine). */
const ownLoopbackListeners = (): number[] => {
  const inodes = new Set(
    readdirSync("/proc/self/fd").flatMap((fd) => {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
        return match ? [match[1]!] : [];
      } catch {
        return [];
      }
    }),
  );
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[3] === "0A" && cols[1]?.startsWith("0100007F:") && inodes.has(cols[9] ?? ""))
    .map((cols) => parseInt(cols[1]!.split(":")[1]!, 16));
};

let gw: TestGateway;
let patients: Awaited<ReturnType<typeof startPatientsSubgraph>>;
beforeAll(async () => {
  const port = await freePort();
  patients = await startPatientsSubgraph({ gatewayJwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`, issuer: "auth-gateway-test" });
  gw = await startTestGateway({ settings: { port, trustProxyHops: 1, subgraphs: [{ name: "patients", url: patients.url }] } });
});
afterAll(async () => {
  await gw?.close();
  await patients?.close();
});

const loginRecords = (email: string) => gw.audit.records.filter((r) => r.event === "LOGIN" && r.outcome === "FAILURE" && r.ip !== undefined && r.requestId.startsWith(email.slice(5, 13)));

describe("ATTACK: choosing the audited address on gateway mode's internal listener", () => {
  it("a loopback process calling the internal auth subgraph with x-gateway-client-ip is audited under its own address", async () => {
    const candidates = ownLoopbackListeners().filter((port) => port !== gw.port && port !== Number(new URL(patients.url).port));
    let answered = 0;
    for (const port of candidates) {
      const email = uniqueEmail();
      const response = await execute(`http://127.0.0.1:${port}/graphql`, LoginDocument, { email, password: `${PASSWORD}-wrong` }, { headers: { "x-gateway-client-ip": chosen, "x-request-id": `${email.slice(5, 13)}-direct` } }).catch(() => undefined);
      if (!response?.errors) continue;
      answered += 1;
      expect(errorOf(response).extensions.code).toBe("INVALID_CREDENTIALS");
    }
    // The internal listener was found and answered: the test cannot pass by missing it.
    expect(answered).toBeGreaterThan(0);
    const direct = gw.audit.records.filter((r) => r.requestId.endsWith("-direct"));
    expect(direct.length).toBeGreaterThan(0);
    for (const record of direct) expect(record.ip).not.toBe(chosen);
    expect(direct.filter((r) => r.event === "LOGIN").map((r) => r.ip)).toContain("127.0.0.1");
  });

  it("through the public endpoint the client's address still reaches the auth subgraph's records (TRUST_PROXY_HOPS=1)", async () => {
    const email = uniqueEmail();
    const client = "198.51.100.77";
    const response = await gw.run(LoginDocument, { email, password: `${PASSWORD}-wrong` }, { headers: { "x-forwarded-for": client, "x-gateway-client-ip": chosen, "x-request-id": `${email.slice(5, 13)}-public` } });
    expect(errorOf(response).extensions.code).toBe("INVALID_CREDENTIALS");
    const records = gw.audit.records.filter((r) => r.requestId === `${email.slice(5, 13)}-public` && r.event === "LOGIN");
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) expect(record.ip).toBe(client);
    expect(loginRecords(email).every((r) => r.ip !== chosen)).toBe(true);
  });
});

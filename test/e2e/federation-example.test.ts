import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { portFor, startFederationExample, type RunningFederationExample } from "../../examples/federation/run";
import { MeDocument } from "../generated/graphql";
import { TEST_CODE } from "../setup/test-cognito";
import { dataOf, execute } from "../support/graphql-client";
import { freePort } from "../support/ports";
import { enrolledUser, loginWithMfa } from "../support/users";

const root = join(__dirname, "../..");

/** `npm run example:federation` as a newcomer runs it, then the lines it prints, run as printed. */
describe("the federation example", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let example: RunningFederationExample;
  let printed = "";
  let log = "";
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "federation-example-"));
    env = { PATH: process.env["PATH"], HOME: process.env["HOME"], PORT: String(await freePort()), LOCAL_COGNITO_PORT: String(await freePort()), LOCAL_COGNITO_DIR: dir, AUDIT_LOG_FILE: join(dir, "audit.jsonl"), LOCAL_COGNITO_CODE: TEST_CODE };
    const out = { write: (text: string) => (printed += text) };
    example = await startFederationExample({ env, subgraphPort: await freePort(), stdio: "pipe", out });
    example.gateway.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  });
  afterAll(async () => {
    await example?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The printed line that follows the comment containing `after`. */
  const lineAfter = (after: string): string => {
    const lines = printed.split("\n").map((l) => l.trim());
    const line = lines[lines.findIndex((l) => l.startsWith("#") && l.includes(after)) + 1];
    if (!line) throw new Error(`no line after "${after}"`);
    return line;
  };
  // Asynchronous: the example subgraph runs in this process and must keep answering meanwhile.
  const sh = async (line: string, extra: NodeJS.ProcessEnv = {}) => (await promisify(execFile)("sh", ["-c", line], { cwd: root, env: { ...env, ...extra }, encoding: "utf8" })).stdout;

  it("says where the gateway, the playground and the subgraph are", () => {
    expect(printed).toContain(`gateway    ${example.gatewayUrl}`);
    expect(printed).toContain(`patients   ${example.subgraphUrl}`);
  });

  it("answers the printed anonymous query through the subgraph's rule, and serves the printed JWKS", async () => {
    expect(JSON.parse(await sh(lineAfter("anonymous")))).toEqual({ data: { myRecord: null }, errors: [{ path: ["myRecord"], message: "Authentication is required.", extensions: { code: "UNAUTHENTICATED" } }] });
    expect((JSON.parse(await sh(lineAfter("keys the subgraph checks"))) as { keys: { alg: string }[] }).keys[0]?.alg).toBe("ES256");
  });

  const gw = { run: ((document: never, variables?: never, options?: never) => execute(example.gatewayUrl.replace("localhost", "127.0.0.1"), document, variables, options)) as never };
  /** The printed `npm run admin` line, with another account and group; --ignore-scripts skips the build check. */
  const grant = async (email: string, group: string) => {
    const line = lineAfter("sign up, confirm").replace("you@example.com", email).replace(/ patient$/, ` ${group}`).replace("npm run admin", "npm run --ignore-scripts --silent admin");
    expect(await sh(line)).toContain(`Granted ${group} to ${email}`);
  };

  it("walks the printed path: sign up, the printed admin command, sign in again, one query across both", async () => {
    const user = await enrolledUser(gw);
    const sub = dataOf(await execute(example.gatewayUrl, MeDocument, {}, { token: user.accessToken })).me.sub;
    await grant(user.email, "patient");

    const token = (await loginWithMfa(gw, user)).tokens!.accessToken;
    const both = JSON.parse(await sh(lineAfter("ask the gateway and the subgraph"), { TOKEN: token })) as { data: { me: { sub: string; groups: string[] }; myRecord: { owner: string } } };
    expect(both.data.me).toEqual({ sub, groups: ["patient"] });
    expect(both.data.myRecord.owner).toBe(sub);
    const list = JSON.parse(await sh(lineAfter("may not list every record"), { TOKEN: token })) as { errors: { extensions: { code: string } }[] };
    expect(list.errors[0]?.extensions.code).toBe("FORBIDDEN");
  }, 60_000);

  it("lets an admin assign a patient to a provider with the printed assignPatient line; the provider then reads the record", async () => {
    const [patient, provider, admin] = [await enrolledUser(gw), await enrolledUser(gw), await enrolledUser(gw)];
    await grant(patient.email, "patient");
    await grant(provider.email, "provider");
    await grant(admin.email, "admin");
    const tokenOf = async (user: typeof patient) => (await loginWithMfa(gw, user)).tokens!.accessToken;
    const [providerToken, adminToken] = [await tokenOf(provider), await tokenOf(admin)];
    const record = lineAfter("with that provider's TOKEN");
    const assignLines = printed.split("\n").map((l) => l.trim());
    const listUsers = assignLines[assignLines.findIndex((l) => l.includes("with an admin's TOKEN")) + 1]!;
    const assign = assignLines[assignLines.findIndex((l) => l.includes("with an admin's TOKEN")) + 2]!;

    const users = (JSON.parse(await sh(listUsers, { TOKEN: adminToken })) as { data: { users: { nodes: { id: string; email: string }[] } } }).data.users.nodes;
    const idOf = (email: string) => users.find((u) => u.email === email)!.id;
    const ids = { PROVIDER_ID: idOf(provider.email), PATIENT_ID: idOf(patient.email) };

    // Before: not in the provider's care. Neither the provider nor the patient may assign.
    expect(JSON.parse(await sh(record, { TOKEN: providerToken, ...ids }))).toMatchObject({ data: { patient: null }, errors: [{ extensions: { code: "FORBIDDEN" } }] });
    expect(JSON.parse(await sh(assign, { TOKEN: providerToken, ...ids }))).toMatchObject({ data: { assignPatient: null }, errors: [{ extensions: { code: "FORBIDDEN" } }] });
    expect(JSON.parse(await sh(assign, { TOKEN: adminToken, ...ids }))).toEqual({ data: { assignPatient: { providerId: ids.PROVIDER_ID, patientIds: [ids.PATIENT_ID] } } });
    expect(JSON.parse(await sh(record, { TOKEN: providerToken, ...ids }))).toEqual({ data: { patient: { owner: ids.PATIENT_ID, note: "No allergies recorded." } } });
  }, 90_000);

  it("picks its own free ports and data directory when none are given", async () => {
    const busy = await portFor(4100);
    expect(busy).toBeGreaterThan(0);
    const holder = createServer().listen(busy, "127.0.0.1");
    await new Promise((r) => holder.once("listening", r));
    try {
      expect(await portFor(busy)).not.toBe(busy);
    } finally {
      holder.close();
    }
  });

  it("challenges a refused token with WWW-Authenticate in gateway mode too", async () => {
    const refused = await fetch(example.gatewayUrl, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer aaa.bbb.ccc" }, body: JSON.stringify({ query: "{ myRecord { id } }" }) });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
  });

  it("logs the subgraphs, the playground and the Node version at start-up", () => {
    const listening = JSON.parse(log.split("\n").find((l) => l.includes("gateway listening")) ?? "{}") as Record<string, unknown>;
    expect(listening).toMatchObject({ subgraphs: { patients: example.subgraphUrl }, playground: example.gatewayUrl.replace(/graphql$/, ""), node: process.version });
  });

  it("stops the gateway and its cognito-local", async () => {
    const cognitoPort = env["LOCAL_COGNITO_PORT"];
    await example.stop();
    expect(spawnSync("curl", ["-s", "-o", "/dev/null", `http://127.0.0.1:${cognitoPort}/`]).status).not.toBe(0);
  });
});

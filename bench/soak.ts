import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { authenticator } from "otplib";
import { verifyChain } from "../src/audit/hash-chain";
import { startLocalCognito } from "../src/dev/local-cognito";
import { provisionLocalPool } from "../src/dev/provision-local";
import { benchGatewaySettings } from "./local-gateway-settings";

/**
 * `npm run soak [-- --seconds N --max-requests N]`: one gateway (memory store, file audit) under a steady
 * mix on loopback — signed-in `me` queries, garbage tokens (refusals) and audited password logins — for a
 * bounded time and request count; then it stops by itself and prints the figures: requests and rate,
 * anything unexpected (a status other than the one each kind must get, socket errors), the gateway's RSS
 * over time, and the audit trail (records written, chain intact). Default: 10 minutes, 2 million requests.
 */
const { values } = parseArgs({ options: { seconds: { type: "string", default: "600" }, "max-requests": { type: "string", default: "2000000" } } });
const seconds = Number(values.seconds);
const maxRequests = Number(values["max-requests"]);
const CODE = "123456";
const PASSWORD = "Soak-Passw0rd-123";

/** The answer's `data` (untyped: each caller says what its operation returns). */
const post = async (url: string, query: string, variables: object = {}): Promise<unknown> =>
  ((await (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) })).json()) as { data?: unknown }).data;

const enrol = async (url: string, email: string): Promise<string> => {
  await post(url, "mutation($i: RegisterInput!) { register(input: $i) { accepted } }", { i: { email, password: PASSWORD } });
  await post(url, "mutation($e: String!, $c: String!) { confirmSignUp(email: $e, code: $c) }", { e: email, c: CODE });
  const login = (await post(url, "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { challenge { session } } }", { e: email, p: PASSWORD })) as { login: { challenge: { session: string } } };
  const setup = (await post(url, "mutation($s: String!) { beginMfaSetup(session: $s) { secret session } }", { s: login.login.challenge.session })) as { beginMfaSetup: { secret: string; session: string } };
  const { secret, session } = setup.beginMfaSetup;
  const done = (await post(url, "mutation($s: String!, $c: String!) { completeMfaSetup(session: $s, code: $c) { tokens { accessToken } } }", { s: session, c: authenticator.generate(secret) })) as { completeMfaSetup: { tokens: { accessToken: string } } };
  return done.completeMfaSetup.tokens.accessToken;
};

const startGateway = (settings: object): Promise<{ url: string; child: ChildProcess }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, "servers", "gateway.js")], { env: { ...process.env, PORT: "0", BENCH_SETTINGS: JSON.stringify(settings) }, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.on("data", (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve({ url: `http://127.0.0.1:${match[1]}/graphql`, child });
    });
    child.once("exit", (code) => reject(new Error(`gateway exited (${code})`)));
  });

const rssMiB = (pid: number | undefined): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;

type Kind = { name: string; connections: number; body: string; token?: string; expected: number };

const main = async () => {
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] = "true";
  const dir = mkdtempSync(join(tmpdir(), "soak-"));
  const local = await startLocalCognito({ port: 9900 + Math.floor(Math.random() * 90), dir, code: CODE });
  const auditFile = join(dir, "audit.jsonl");
  const gateway = await startGateway({ ...benchGatewaySettings(await provisionLocalPool(local.endpoint), local.endpoint, auditFile), auditSpoolFile: join(dir, "audit-spool.jsonl") });
  try {
    const email = `soak-${Date.now()}@example.test`;
    const token = await enrol(gateway.url, email);
    const kinds: Kind[] = [
      { name: "me (signed in)", connections: 30, body: JSON.stringify({ query: "{ me { sub email } }" }), token, expected: 200 },
      { name: "garbage token (refusal)", connections: 10, body: JSON.stringify({ query: "{ me { sub } }" }), token: "not-a-token", expected: 401 },
      { name: "login (audited, Cognito)", connections: 4, body: JSON.stringify({ query: "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { challenge { name } } }", variables: { e: email, p: PASSWORD } }), expected: 200 },
    ];
    let total = 0;
    const rss: string[] = [];
    const instances: autocannon.Instance[] = [];
    const sampler = setInterval(() => rss.push(rssMiB(gateway.child.pid).toFixed(0)), 10_000);
    const started = Date.now();
    const results = await Promise.all(
      kinds.map(
        (kind) =>
          new Promise<{ kind: Kind; result: autocannon.Result }>((resolve, reject) => {
            const instance = autocannon(
              { url: gateway.url, connections: kind.connections, duration: seconds, method: "POST", body: kind.body, headers: { "content-type": "application/json", ...(kind.token ? { authorization: `Bearer ${kind.token}` } : {}) } },
              (error, result) => (error ? reject(error) : resolve({ kind, result })),
            );
            instances.push(instance);
            instance.on("response", () => {
              total += 1;
              if (total >= maxRequests) instances.forEach((i) => i.stop());
            });
          }),
      ),
    );
    clearInterval(sampler);
    const elapsed = (Date.now() - started) / 1000;
    const lines = [`soak: ${total.toLocaleString("en")} requests in ${elapsed.toFixed(0)} s (${(total / elapsed).toFixed(0)} req/s), loopback, one gateway (memory store, file audit)`];
    let unexpected = 0;
    for (const { kind, result } of results) {
      const codes = result.statusCodeStats as Record<string, { count: number }>;
      const wrong = Object.entries(codes).filter(([code]) => Number(code) !== kind.expected).reduce((sum, [, v]) => sum + v.count, 0) + result.errors + result.timeouts;
      unexpected += wrong;
      lines.push(`  ${kind.name}: ${result.requests.total.toLocaleString("en")} requests, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, unexpected ${wrong} (statuses ${JSON.stringify(Object.fromEntries(Object.entries(codes).map(([c, v]) => [c, v.count])))})`);
    }
    lines.push(`  RSS of the gateway every 10 s (MiB): ${rss.join(" ")}`);
    const chain = await verifyChain(auditFile);
    lines.push(`  audit trail: ${chain.records.toLocaleString("en")} records, ${chain.ok ? "chain intact" : `chain ${chain.kind}`}`);
    lines.push(`  verdict: ${unexpected === 0 && chain.ok ? "no unexpected answer, chain intact" : `${unexpected} unexpected answers`}`);
    process.stdout.write(`${lines.join("\n")}\n`);
    process.exitCode = unexpected === 0 && chain.ok ? 0 : 1;
  } finally {
    gateway.child.kill("SIGTERM");
    await local.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`soak failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

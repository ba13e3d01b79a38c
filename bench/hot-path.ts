import "reflect-metadata";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { CODE, cpuUsOf, data, dropBenchState, enrol, post } from "./bench-client";
import { benchGatewaySettings } from "./local-gateway-settings";
import { startLocalCognito } from "../src/dev/local-cognito";
import { provisionLocalPool } from "../src/dev/provision-local";

/**
 * `node dist-bench/bench/hot-path.js`: the per-request cost of `{ me { sub email } }` only, for working on it —
 * the same-stack bare control, the memory gateway and the Redis gateway, nothing else (no login section), so a
 * change can be compared in a few seconds. HOT_BASELINE=<another dist-bench directory> adds the same gateways
 * built from that tree (e.g. the commit before the change), interleaved round by round with this build's: an
 * A/B on the same machine at the same moment. HOT_PROFILE=<dir> writes a V8 CPU profile of each gateway over
 * the measured rounds only (summarise with bench/profile-summary.ts, giving it the request count printed). HOT_ONLY="memory,redis" picks gateways
 * ("durable": production's shape, Redis + PostgreSQL records and audit, as bench/run.ts starts it). Reads the CPU column.
 */
const seconds = Number(process.env["BENCH_SECONDS"] ?? 4);
const rounds = Number(process.env["BENCH_ROUNDS"] ?? 3);
const query = JSON.stringify({ query: "{ me { sub email } }" });
const hasTaskset = spawnSync("taskset", ["-V"]).status === 0;
const profileDir = process.env["HOT_PROFILE"];
const databaseUrl = process.env["BENCH_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const run = `${Date.now()}`;

type Server = { name: string; url: string; child: ChildProcess };

const startServer = (name: string, script: string, env: Record<string, string>): Promise<Server> =>
  new Promise((resolve, reject) => {
    const profileOut = profileDir !== undefined ? { BENCH_PROFILE_OUT: join(profileDir, `${name.replace(/\W+/g, "-")}.cpuprofile`) } : {};
    // HOT_NODE_FLAGS: node options for this build's gateways only (with HOT_BASELINE=dist-bench, an A/B of the flags).
    const flags = name.startsWith("gateway") && !name.endsWith("[baseline]") ? (process.env["HOT_NODE_FLAGS"] ?? "").split(" ").filter(Boolean) : [];
    const [command, ...argv] = hasTaskset ? ["taskset", "-c", "1", process.execPath, ...flags, script] : [process.execPath, ...flags, script];
    const child = spawn(command, argv, { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", PORT: "0", ...env, ...profileOut }, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.on("data", (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve({ name, url: `http://127.0.0.1:${match[1]}/graphql`, child });
    });
    child.once("exit", (code) => reject(new Error(`${name} exited (${code})`)));
  });

type Sample = { rps: number; cpu: number; errors: number; requests: number };
const load = (server: Server, token: string | undefined, duration: number): Promise<Sample> =>
  new Promise((resolve, reject) => {
    const before = cpuUsOf(server.child.pid);
    const headers = { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
    autocannon({ url: server.url, connections: 50, method: "POST", body: query, headers, duration }, (error, result) =>
      error ? reject(error) : resolve({ rps: result.requests.average, cpu: (cpuUsOf(server.child.pid) - before) / result.requests.total, errors: result.errors + result.non2xx, requests: result.requests.total }),
    );
  });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

const main = async () => {
  if (hasTaskset) spawnSync("taskset", ["-cp", "0", String(process.pid)]);
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), "authgw-hot-"));
  const local = await startLocalCognito({ port: 9400 + Math.floor(Math.random() * 500), dir, code: CODE });
  const pool = await provisionLocalPool(local.endpoint);
  const base = benchGatewaySettings(pool, local.endpoint, join(dir, "audit.jsonl"));
  const only = (process.env["HOT_ONLY"] ?? "memory,redis").split(",").map((s) => s.trim());
  const builds: [string, string][] = [["", join(__dirname, "servers")]];
  const baseline = process.env["HOT_BASELINE"];
  if (baseline !== undefined) {
    if (!existsSync(join(baseline, "bench/servers/gateway.js"))) throw new Error(`no bench build in ${baseline}`);
    builds.push([" [baseline]", join(baseline, "bench/servers")]);
  }
  const servers: Server[] = [];
  const schemas: string[] = [];
  const contenders: { server: Server; token: string | undefined }[] = [];
  try {
    const bare = await startServer("bare (gateway HTTP stack)", join(__dirname, "servers/bare.js"), { BARE_STACK: "gateway", BARE_YIELD: process.env["GATEWAY_YIELDS"] === "1" ? "1" : "0" });
    servers.push(bare);
    contenders.push({ server: bare, token: undefined });
    for (const [suffix, serversDir] of builds) {
      for (const kind of only) {
        const tag = `${run}_${suffix.length}`;
        const durable = { redisUrl: "redis://127.0.0.1:6379", redisKeyPrefix: `authgw-hot-${run}:${suffix.length}:`, database: { url: databaseUrl, schema: `hot_${tag}`, statementTimeoutMs: 3000, generationCheckSeconds: 30 }, auditDatabase: { url: databaseUrl, schema: `hot_audit_${tag}`, writeTimeoutMs: 3000, synchronousCommit: "on", checkpointRecords: 1000, checkpointSeconds: 300, retentionDays: 2190 } };
        const settings =
          kind === "durable"
            ? { ...base, ...durable }
            : kind === "redis"
              ? { ...base, redisUrl: "redis://127.0.0.1:6379", auditLogFile: join(dir, `audit-redis${suffix.length}.jsonl`) }
              : { ...base, auditLogFile: join(dir, `audit-memory${suffix.length}.jsonl`) };
        if (kind === "durable") schemas.push(`hot_${tag}`, `hot_audit_${tag}`);
        const server = await startServer(`gateway (${kind})${suffix}`, join(serversDir, "gateway.js"), { BENCH_SETTINGS: JSON.stringify(settings) });
        servers.push(server);
        contenders.push({ server, token: await enrol(server.url, `hot-${kind}-${suffix.length}-${Date.now()}@example.test`) });
      }
    }
    for (const { server, token } of contenders) data(await post(server.url, JSON.parse(query) as object, token), "me");
    for (const { server, token } of contenders) await load(server, token, 2);
    if (profileDir !== undefined) for (const { server } of contenders) server.child.kill("SIGUSR2");
    const samples = new Map<string, Sample[]>(contenders.map(({ server }) => [server.name, []]));
    for (let round = 1; round <= rounds; round++) {
      const order = contenders.map((_, i) => contenders[(i + round - 1) % contenders.length]!);
      for (const { server, token } of order) {
        const sample = await load(server, token, seconds);
        samples.get(server.name)?.push(sample);
        process.stderr.write(`round ${round} ${server.name}: ${Math.round(sample.rps)} req/s, ${Math.round(sample.cpu)} µs\n`);
      }
    }
    process.stdout.write("| server | req/s | CPU µs/request (median) | CPU µs per round | requests | errors |\n|---|---|---|---|---|---|\n");
    for (const [name, list] of samples) {
      const cpus = list.map((s) => Math.round(s.cpu));
      process.stdout.write(`| ${name} | ${Math.round(median(list.map((s) => s.rps)))} | ${median(cpus)} | ${cpus.join(", ")} | ${list.reduce((n, s) => n + s.requests, 0)} | ${list.reduce((n, s) => n + s.errors, 0)} |\n`);
    }
  } finally {
    for (const server of servers) server.child.kill(profileDir !== undefined ? "SIGINT" : "SIGKILL");
    await new Promise((r) => setTimeout(r, profileDir !== undefined ? 2000 : 0));
    await local.stop();
    rmSync(dir, { recursive: true, force: true });
    await dropBenchState(databaseUrl, schemas, `authgw-hot-${run}:*`);
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`hot-path bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

import "reflect-metadata";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { CognitoIdentityProviderClient, InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import autocannon from "autocannon";
import Redis from "ioredis";
import { Pool } from "pg";
import { CODE, cpuUsOf, data, enrol, PASSWORD, post } from "./bench-client";
import { benchGatewaySettings } from "./local-gateway-settings";
import { startLocalCognito } from "../src/dev/local-cognito";
import { localCredentials, provisionLocalPool } from "../src/dev/provision-local";

/**
 * `npm run bench`: every contender in its own process, pinned to one core (autocannon on the other),
 * measured in the same run, in alternating rounds; medians are reported. Loopback only, bounded time.
 * `-- --memory` adds the 1M-request RSS check (a few minutes).
 */
const args = new Set(process.argv.slice(2));
const seconds = Number(process.env["BENCH_SECONDS"] ?? 8);
const rounds = Number(process.env["BENCH_ROUNDS"] ?? 3);
const connections = 50;
const query = JSON.stringify({ query: "{ me { sub email } }" });
/** Gateway mode: a field of the product subgraph, through this gateway and through bare @apollo/gateway. */
const productQuery = JSON.stringify({ query: "{ product { id name } }" });
const hasTaskset = spawnSync("taskset", ["-V"]).status === 0;
const dist = join(__dirname, "servers");
/** The lasting records of the "Redis + PostgreSQL" contender: a schema of this run's own, dropped at the end. */
const benchDatabaseUrl = process.env["BENCH_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const benchRun = `${Date.now()}`;
/** Whether the gateway's context builder takes an event-loop turn before its work (the same-stack control copies it). */
const gatewayYields = process.env["GATEWAY_YIELDS"] === "1";

type Server = { name: string; url: string; child: ChildProcess };

const profiled = (name: string) => (process.env["BENCH_PROFILE"] ?? "").split(",").some((n) => n.trim() === name);

/** `core`: 1 for the servers under test; 0 for helpers that are not measured (the product subgraph), beside autocannon. */
const startServer = (name: string, script: string, env: Record<string, string>, core = 1): Promise<Server> =>
  new Promise((resolve, reject) => {
    const command = hasTaskset ? "taskset" : process.execPath;
    // BENCH_PROFILE="gateway (memory),gateway (Redis)" writes a V8 CPU profile of each server named (see BENCHMARKS.md).
    const node = profiled(name) ? [process.execPath, "--cpu-prof", "--cpu-prof-dir", process.env["BENCH_PROFILE_DIR"] ?? "profiles"] : [process.execPath];
    const argv = hasTaskset ? ["-c", String(core), ...node, join(dist, script)] : [...node.slice(1), join(dist, script)];
    const child = spawn(command, argv, { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", PORT: "0", ...env }, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.on("data", (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve({ name, url: `http://127.0.0.1:${match[1]}/graphql`, child });
    });
    child.once("exit", (code) => reject(new Error(`${name} exited (${code})`)));
  });

type Sample = { rps: number; p50: number; p99: number; errors: number; cpuUsPerRequest: number };

/** A timed run, or with `amount` a run of exactly that many requests. */
const load = (url: string, token: string | undefined, limit: { duration: number } | { amount: number } = { duration: seconds }, body = query, pid?: number): Promise<Sample> =>
  new Promise((resolve, reject) => {
    // The server's own CPU time per request: what it costs, whatever the scheduling does to the rate.
    const cpuBefore = pid === undefined ? NaN : cpuUsOf(pid);
    autocannon(
      { url, connections, method: "POST", body, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...limit },
      (error, result) =>
        error
          ? reject(error)
          : resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx, cpuUsPerRequest: pid === undefined ? NaN : (cpuUsOf(pid) - cpuBefore) / result.requests.total }),
    );
  });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? NaN;

const rssOf = (pid: number | undefined): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;

const main = async () => {
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] = "true";
  // The load generator keeps to core 0, so it never competes with the server under test on core 1.
  if (hasTaskset) spawnSync("taskset", ["-cp", "0", String(process.pid)]);
  const dir = mkdtempSync(join(tmpdir(), "authgw-bench-"));
  const local = await startLocalCognito({ port: 9400 + Math.floor(Math.random() * 500), dir, code: CODE });
  const pool = await provisionLocalPool(local.endpoint);
  const base = benchGatewaySettings(pool, local.endpoint, join(dir, "audit.jsonl"));
  const servers: Server[] = [];
  try {
    // Each server joins the clean-up list as soon as it runs, so a failed start leaves no orphan.
    const started = async (server: Promise<Server>) => {
      const s = await server;
      servers.push(s);
      return s;
    };
    const bare = await started(startServer("bare Apollo", "bare.js", {}));
    // The same-stack control: the gateway's request router and Apollo call, the gateway's context timing (GATEWAY_YIELDS), no security layer.
    const bareYield = await started(startServer("bare Apollo (gateway HTTP stack)", "bare.js", { BARE_STACK: "gateway", BARE_YIELD: gatewayYields ? "1" : "0" }));
    const memory = await started(startServer("gateway (memory)", "gateway.js", { BENCH_SETTINGS: JSON.stringify(base) }));
    // The same gateway handing clients Cognito's own tokens (the deprecated CLIENT_TOKENS=provider): the bearer is
    // then a JWT, as before gateway handles, so the two rows show what opening a handle costs per request.
    const providerTokens = await started(startServer("gateway (memory; CLIENT_TOKENS=provider)", "gateway.js", { BENCH_SETTINGS: JSON.stringify({ ...base, clientTokens: "provider", auditLogFile: join(dir, "audit-provider.jsonl") }) }));
    const redis = await started(startServer("gateway (Redis)", "gateway.js", { BENCH_SETTINGS: JSON.stringify({ ...base, redisUrl: "redis://127.0.0.1:6379", auditLogFile: join(dir, "audit-redis.jsonl") }) }));
    // Production's shape: lasting records in PostgreSQL (DATABASE_URL; the per-request flags and locks come from their
    // mirror in Redis) and the audit trail in PostgreSQL (AUDIT_DATABASE_URL), in schemas of this run's own.
    const durable = await started(
      startServer("gateway (Redis + PostgreSQL)", "gateway.js", {
        BENCH_SETTINGS: JSON.stringify({ ...base, redisUrl: "redis://127.0.0.1:6379", redisKeyPrefix: `authgw-bench-${benchRun}:`, database: { url: benchDatabaseUrl, schema: `bench_${benchRun}`, statementTimeoutMs: 3000, generationCheckSeconds: 30 }, auditDatabase: { url: benchDatabaseUrl, schema: `bench_audit_${benchRun}`, writeTimeoutMs: 3000, synchronousCommit: "on", checkpointRecords: 1000, checkpointSeconds: 300, retentionDays: 2190 } }),
      }),
    );
    const yoga = await started(startServer("Yoga + plugin-jwt", "yoga.js", { JWKS_URI: pool.jwksUri, ISSUER: pool.issuer }));
    // Gateway mode: one trivial product subgraph (on core 0, not measured), bare @apollo/gateway and this gateway in front of it.
    const subgraph = await started(startServer("product subgraph", "product-subgraph.js", {}, 0));
    const bareGateway = await started(startServer("bare @apollo/gateway", "bare-gateway.js", { SUBGRAPH_URL: subgraph.url }));
    const federated = await started(
      startServer("gateway (gateway mode)", "gateway.js", { BENCH_SETTINGS: JSON.stringify({ ...base, subgraphs: [{ name: "product", url: subgraph.url }], auditLogFile: join(dir, "audit-federated.jsonl") }) }),
    );

    const memoryToken = await enrol(memory.url, `bench-mem-${Date.now()}@example.test`);
    // A Cognito JWT: what Yoga's plugin-jwt verifies (a gateway handle means nothing to it).
    const jwtToken = await enrol(providerTokens.url, `bench-jwt-${Date.now()}@example.test`);
    const redisToken = await enrol(redis.url, `bench-redis-${Date.now()}@example.test`);
    const durableToken = await enrol(durable.url, `bench-pg-${Date.now()}@example.test`);
    const federatedToken = await enrol(federated.url, `bench-fed-${Date.now()}@example.test`);
    type Contender = { server: Server; token: string | undefined; body: string; field: string; baseline: Server };
    const contenders: Contender[] = [
      { server: bare, token: undefined, body: query, field: "me", baseline: bare },
      { server: bareYield, token: undefined, body: query, field: "me", baseline: bare },
      { server: memory, token: memoryToken, body: query, field: "me", baseline: bare },
      { server: providerTokens, token: jwtToken, body: query, field: "me", baseline: bare },
      { server: redis, token: redisToken, body: query, field: "me", baseline: bare },
      { server: durable, token: durableToken, body: query, field: "me", baseline: bare },
      { server: yoga, token: jwtToken, body: query, field: "me", baseline: bare },
      { server: bareGateway, token: undefined, body: productQuery, field: "product", baseline: bareGateway },
      { server: federated, token: federatedToken, body: productQuery, field: "product", baseline: bareGateway },
    ];
    // BENCH_ONLY="gateway (memory),bare Apollo" measures a subset (a quick look while working; baselines stay in).
    const only = process.env["BENCH_ONLY"]?.split(",").map((name) => name.trim());
    if (only) contenders.splice(0, contenders.length, ...contenders.filter((c) => only.includes(c.server.name) || contenders.some((o) => o.baseline === c.server && only.includes(o.server.name))));
    for (const { server, token, body, field } of contenders) {
      const answer = await post(server.url, JSON.parse(body) as object, token);
      // Throws, naming the field, when the server does not answer it.
      data(answer, field);
    }

    // Warm-up (JIT, connection pools, caches) before anything is measured.
    for (const { server, token, body } of contenders) await load(server.url, token, { duration: 3 }, body);
    const samples = new Map<string, Sample[]>(contenders.map(({ server }) => [server.name, []]));
    for (let round = 1; round <= rounds; round++) {
      // A different order each round, so no contender always runs first (or last).
      const order = contenders.map((_, i) => contenders[(i + round - 1) % contenders.length]!);
      for (const { server, token, body } of order) {
        const sample = await load(server.url, token, { duration: seconds }, body, server.child.pid);
        samples.get(server.name)?.push(sample);
        process.stderr.write(`round ${round} ${server.name}: ${Math.round(sample.rps)} req/s\n`);
      }
    }
    const summaryOf = (name: string) => {
      const list = samples.get(name) ?? [];
      return { name, rps: median(list.map((s) => s.rps)), p50: median(list.map((s) => s.p50)), p99: median(list.map((s) => s.p99)), cpu: median(list.map((s) => s.cpuUsPerRequest)), errors: list.reduce((n, s) => n + s.errors, 0) };
    };
    const summary = contenders.map(({ server, baseline }) => ({ ...summaryOf(server.name), baseline: summaryOf(baseline.name) }));
    const rpsOf = (name: string) => summaryOf(name).rps;

    // Login: the gateway's `login` against the same InitiateAuth sent straight to cognito-local, interleaved;
    // through the memory gateway (file audit sink) and through production's shape (Redis, PostgreSQL audit sink).
    const loginVia = [memory, durable];
    const emails = loginVia.map((_, i) => `bench-login-${i}-${Date.now()}@example.test`);
    for (const [i, server] of loginVia.entries()) await enrol(server.url, emails[i]!);
    const cognito = new CognitoIdentityProviderClient({ endpoint: local.endpoint, region: "local", credentials: localCredentials });
    const direct: number[][] = loginVia.map(() => []);
    const viaGateway: number[][] = loginVia.map(() => []);
    for (let i = 0; i < 220; i++) {
      for (const [k, server] of loginVia.entries()) {
        let t = performance.now();
        await cognito.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: emails[k]!, PASSWORD } }));
        // The first 20 of each warm up (JIT, connections, the audit stream's partition).
        if (i >= 20) direct[k]!.push(performance.now() - t);
        t = performance.now();
        data(await post(server.url, { query: "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { challenge { name } } }", variables: { e: emails[k], p: PASSWORD } }), "login");
        if (i >= 20) viaGateway[k]!.push(performance.now() - t);
      }
    }
    cognito.destroy();

    let memoryLine = "";
    if (args.has("--memory")) {
      await load(memory.url, memoryToken, { amount: 100_000 });
      const after100k = rssOf(memory.child.pid);
      await load(memory.url, memoryToken, { amount: 900_000 });
      const after1m = rssOf(memory.child.pid);
      memoryLine = `RSS of the gateway (memory store): ${after100k.toFixed(1)} MiB after 100k requests, ${after1m.toFixed(1)} MiB after 1M (${(((after1m - after100k) / after100k) * 100).toFixed(1)} %)`;
    }

    const rows = summary.map(
      (s) => `| ${s.name} | ${Math.round(s.rps)} | ${s.p50} | ${s.p99} | ${s.baseline.name} | ${(s.rps / s.baseline.rps).toFixed(2)} | ${(s.p99 / s.baseline.p99).toFixed(2)} | ${Math.round(s.cpu)} | ${s.errors} |`,
    );
    const loginLines = loginVia.map((server, k) => {
      const g = viaGateway[k]!;
      const d = direct[k]!;
      return `login through ${server.name}: p50 ${percentile(g, 0.5).toFixed(2)} ms, direct InitiateAuth ${percentile(d, 0.5).toFixed(2)} ms, overhead ${(percentile(g, 0.5) - percentile(d, 0.5)).toFixed(2)} ms (p99 ${percentile(g, 0.99).toFixed(2)} vs ${percentile(d, 0.99).toFixed(2)} ms)`;
    });
    const against = (name: string) => {
      const s = summaryOf(name);
      const same = summaryOf(bareYield.name);
      const express = summaryOf(bare.name);
      return `${name}: ${(same.cpu / s.cpu).toFixed(2)}× the same-stack bare by CPU per request (${Math.round(s.cpu)} vs ${Math.round(same.cpu)} µs, ${(s.cpu / same.cpu).toFixed(2)}× its cost), ${(s.rps / same.rps).toFixed(2)}× by req/s; ${(s.rps / express.rps).toFixed(2)}× bare Apollo on express by req/s, p99 ${(s.p99 / express.p99).toFixed(2)}× its p99`;
    };
    const report = [
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; servers pinned to one core: ${hasTaskset ? "yes" : "no (taskset missing)"}`,
      `autocannon, ${connections} connections, ${seconds} s × ${rounds} rounds (medians); \`{ me { sub email } }\`, gateway mode \`{ product { id name } }\``,
      "",
      "| server | req/s | p50 ms | p99 ms | compared with | req/s ratio | p99 ratio | server CPU µs/request | errors |",
      "|---|---|---|---|---|---|---|---|---|",
      ...rows,
      "",
      ...[memory, redis, durable].filter((server) => samples.get(server.name)?.length).map((server) => against(server.name)),
      `gateway (memory) / Yoga + plugin-jwt: ${(rpsOf(memory.name) / rpsOf(yoga.name)).toFixed(2)}×`,
      ...loginLines,
      ...(memoryLine ? [memoryLine] : []),
    ].join("\n");
    process.stdout.write(`${report}\n`);
    writeFileSync(join(process.cwd(), "bench-results.md"), `${report}\n`);
  } finally {
    // SIGINT lets a profiled server write its profile before it exits.
    for (const server of servers) server.child.kill(profiled(server.name) ? "SIGINT" : "SIGKILL");
    await new Promise((r) => setTimeout(r, process.env["BENCH_PROFILE"] ? 2000 : 0));
    await local.stop();
    rmSync(dir, { recursive: true, force: true });
    const admin = new Pool({ connectionString: benchDatabaseUrl, max: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS bench_${benchRun} CASCADE`).catch(() => undefined);
    await admin.query(`DROP SCHEMA IF EXISTS bench_audit_${benchRun} CASCADE`).catch(() => undefined);
    await admin.end();
    const redisClient = new Redis("redis://127.0.0.1:6379", { keyPrefix: `authgw-bench-${benchRun}:` });
    const keys = await redisClient.keys(`authgw-bench-${benchRun}:*`).catch((): string[] => []);
    if (keys.length > 0) await redisClient.del(...keys.map((k) => k.slice(`authgw-bench-${benchRun}:`.length)));
    redisClient.disconnect();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

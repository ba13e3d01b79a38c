import "reflect-metadata";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CognitoIdentityProviderClient, InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { CODE, cpuUsOf, data, dropBenchState, enrol, PASSWORD, post } from "./bench-client";
import { benchGatewaySettings } from "./local-gateway-settings";
import { startLocalCognito } from "../src/dev/local-cognito";
import { localCredentials, provisionLocalPool } from "../src/dev/provision-local";

/**
 * `node dist-bench/bench/login-ab.js`: the `login` mutation with the gateway in a process of its own (as
 * `npm run bench` runs it, pinned to core 1, the client on core 0), so its figures are the gateway's alone:
 * the login's latency against a direct InitiateAuth sent just before it (interleaved, as bench/run.ts does),
 * and the **gateway process's CPU per login** from /proc — which login-breakdown.ts (gateway, client and
 * timing proxies in one process) cannot separate.
 *
 * LOGIN_BASELINE=<another dist-bench directory>: the same gateways built from that tree, round by round with
 * this build's (an interleaved A/B). LOGIN_SHAPES="memory,production" (memory store + file audit sink;
 * Redis + PostgreSQL records + PostgreSQL audit sink). LOGIN_ROUNDS (4), LOGIN_PER_ROUND (150).
 * LOGIN_ABLATE_AUDIT=1: each gateway also runs with its audit records discarded (" [audit discarded]"), paired
 * login by login: what the two durable audit writes of a login cost, and what the login costs without them.
 * LOGIN_PROFILE=<dir>: a V8 CPU profile of each gateway over the measured logins only (SIGUSR2 starts it,
 * SIGINT writes it); read it with profile-summary.js, giving it the login count printed.
 */
const rounds = Number(process.env["LOGIN_ROUNDS"] ?? 4);
const perRound = Number(process.env["LOGIN_PER_ROUND"] ?? 150);
const profileDir = process.env["LOGIN_PROFILE"];
const databaseUrl = process.env["BENCH_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const hasTaskset = spawnSync("taskset", ["-V"]).status === 0;
const run = `${Date.now()}`;
const loginQuery = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { challenge { name } } }";

type Contender = { name: string; child: ChildProcess; url: string; email: string; latency: number[]; direct: number[]; cpu: number[]; threads: Map<string, number> };

const ablateAudit = process.env["LOGIN_ABLATE_AUDIT"] === "1";

const startGatewayProcess = (name: string, script: string, settings: object, env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> =>
  new Promise((resolve, reject) => {
    const profileOut = profileDir !== undefined ? { BENCH_PROFILE_OUT: join(profileDir, `${name.replace(/\W+/g, "-")}.cpuprofile`) } : {};
    const [command, ...argv] = hasTaskset ? ["taskset", "-c", "1", process.execPath, script] : [process.execPath, script];
    const child = spawn(command, argv, { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", PORT: "0", BENCH_SETTINGS: JSON.stringify(settings), ...profileOut, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.on("data", (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve({ child, url: `http://127.0.0.1:${match[1]}/graphql` });
    });
    child.once("exit", (code) => reject(new Error(`${name} exited (${code})`)));
  });

/** CPU µs per thread kind (main, libuv pool, V8 workers…) of a process, from /proc/<pid>/task: where the CPU goes besides the JS. */
const threadCpu = (pid: number | undefined): Map<string, number> => {
  const out = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, "utf8");
    const name = task === String(pid) ? "main" : /\((.*)\)/.exec(stat)?.[1]?.replace(/\d+$/, "") ?? "?";
    const fields = stat.split(") ")[1]?.split(" ") ?? [];
    out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10_000);
  }
  return out;
};

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? NaN;
const median = (values: number[]) => percentile(values, 0.5);

const main = async () => {
  if (hasTaskset) spawnSync("taskset", ["-cp", "0", String(process.pid)]);
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), "authgw-login-ab-"));
  const local = await startLocalCognito({ port: 9400 + Math.floor(Math.random() * 500), dir, code: CODE });
  const pool = await provisionLocalPool(local.endpoint);
  const base = benchGatewaySettings(pool, local.endpoint);
  const builds: [string, string][] = [["", join(__dirname, "servers")]];
  const baseline = process.env["LOGIN_BASELINE"];
  if (baseline !== undefined) {
    if (!existsSync(join(baseline, "bench/servers/gateway.js"))) throw new Error(`no bench build in ${baseline}`);
    builds.push([" [baseline]", join(baseline, "bench/servers")]);
  }
  const shapes = (process.env["LOGIN_SHAPES"] ?? "memory,production").split(",").map((s) => s.trim());
  const schemas: string[] = [];
  const contenders: Contender[] = [];
  const cognito = new CognitoIdentityProviderClient({ endpoint: local.endpoint, region: "local", credentials: localCredentials });
  try {
    for (const [b, [suffix, serversDir]] of builds.entries()) {
      for (const shape of shapes) {
        const tag = `${shape}_${b}_${run}`;
        // Production's shape as bench/run.ts starts it, in schemas and a key prefix of this run's own.
        const settings =
          shape === "production"
            ? { ...base, redisUrl: "redis://127.0.0.1:6379", redisKeyPrefix: `authgw-login-ab-${run}:${b}:`, database: { url: databaseUrl, schema: `login_ab_${tag}`, statementTimeoutMs: 3000, generationCheckSeconds: 30 }, auditDatabase: { url: databaseUrl, schema: `login_ab_audit_${tag}`, writeTimeoutMs: 3000, synchronousCommit: "on", checkpointRecords: 1000, checkpointSeconds: 300, retentionDays: 2190 } }
            : { ...base, auditLogFile: join(dir, `audit-${tag}.jsonl`) };
        if (shape === "production") schemas.push(`login_ab_${tag}`, `login_ab_audit_${tag}`);
        for (const discarded of ablateAudit ? [false, true] : [false]) {
          const name = `gateway (${shape === "production" ? "Redis + PostgreSQL" : "memory, file sink"})${suffix}${discarded ? " [audit discarded]" : ""}`;
          const { child, url } = await startGatewayProcess(name, join(serversDir, "gateway.js"), settings, discarded ? { BENCH_AUDIT: "discard" } : {});
          const email = `login-ab-${b}-${shape}-${discarded ? "d" : "k"}-${run}@example.test`;
          await enrol(url, email);
          contenders.push({ name, child, url, email, latency: [], direct: [], cpu: [], threads: new Map() });
        }
      }
    }
    // The client's CPU for the direct InitiateAuth (the same SDK the gateway calls Cognito with): the part of
    // the gateway's CPU per login that is the provider call's own client work.
    let directCpu = 0;
    const login = async (c: Contender, keep: boolean) => {
      const cpu = process.threadCpuUsage();
      let t = performance.now();
      await cognito.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: c.email, PASSWORD } }));
      const direct = performance.now() - t;
      const spent = process.threadCpuUsage(cpu);
      if (keep) directCpu += spent.user + spent.system;
      t = performance.now();
      data(await post(c.url, { query: loginQuery, variables: { e: c.email, p: PASSWORD } }), "login");
      if (!keep) return;
      c.latency.push(performance.now() - t);
      c.direct.push(direct);
    };
    // Warm-up (JIT, connection pools, the audit stream's partition), then the profile starts.
    for (const c of contenders) for (let i = 0; i < 40; i++) await login(c, false);
    if (profileDir !== undefined) for (const c of contenders) c.child.kill("SIGUSR2");
    // Login by login, every contender in turn (the order turning each round): load that comes and goes on a
    // shared machine hits all of them alike. A gateway waits idle while the others answer, so its CPU between
    // two readings is its own logins'.
    for (let round = 1; round <= rounds; round++) {
      const order = contenders.map((_, i) => contenders[(i + round - 1) % contenders.length]!);
      const before = order.map((c) => ({ cpu: cpuUsOf(c.child.pid), threads: threadCpu(c.child.pid) }));
      for (let i = 0; i < perRound; i++) for (const c of order) await login(c, true);
      for (const [k, c] of order.entries()) {
        c.cpu.push((cpuUsOf(c.child.pid) - before[k]!.cpu) / perRound);
        for (const [name, us] of threadCpu(c.child.pid)) c.threads.set(name, (c.threads.get(name) ?? 0) + us - (before[k]!.threads.get(name) ?? 0));
      }
      process.stderr.write(`round ${round}: ${order.map((c) => `${c.name} ${Math.round(c.cpu.at(-1)!)} µs`).join(", ")}\n`);
    }
    // The floor any sequential request pays (HTTP, GraphQL, context, log line, metrics): a trivial query's CPU.
    const trivial = new Map<Contender, number>();
    for (const c of contenders) {
      const before = cpuUsOf(c.child.pid);
      for (let i = 0; i < rounds * perRound; i++) data(await post(c.url, { query: "{ passwordPolicy { minLength } }" }), "passwordPolicy");
      trivial.set(c, (cpuUsOf(c.child.pid) - before) / (rounds * perRound));
    }
    process.stdout.write(`${rounds} × ${perRound} logins each (${rounds * perRound} measured), interleaved; the client's CPU for one direct InitiateAuth (AWS SDK): ${Math.round(directCpu / (rounds * perRound * contenders.length))} µs\n`);
    process.stdout.write("| gateway | login p50 ms | direct p50 ms | overhead p50 ms | login p99 ms | gateway CPU µs/login (median) | CPU per round | by thread (mean) | CPU µs per trivial query |\n|---|---|---|---|---|---|---|---|---|\n");
    for (const c of contenders) {
      const cpu = c.cpu.map(Math.round);
      const threads = [...c.threads].filter(([, us]) => us > 0).map(([name, us]) => `${name} ${Math.round(us / (rounds * perRound))}`);
      process.stdout.write(`| ${c.name} | ${median(c.latency).toFixed(2)} | ${median(c.direct).toFixed(2)} | ${(median(c.latency) - median(c.direct)).toFixed(2)} | ${percentile(c.latency, 0.99).toFixed(2)} | ${median(cpu)} | ${cpu.join(", ")} | ${threads.join(", ")} | ${Math.round(trivial.get(c) ?? NaN)} |\n`);
    }
    // Paired: login i of a gateway against login i of its baseline, sent moments apart (the load they met is
    // closer than between two medians of a whole run).
    for (const c of contenders) {
      for (const other of ["baseline", "audit discarded"]) {
        const b = contenders.find((o) => o.name === `${c.name} [${other}]`);
        if (b === undefined) continue;
        const diffs = c.latency.map((ms, i) => ms - (b.latency[i] ?? NaN));
        process.stdout.write(`${c.name} minus its ${other === "baseline" ? "baseline" : "run with the audit discarded"}, login by login: median ${median(diffs).toFixed(3)} ms (p25 ${percentile(diffs, 0.25).toFixed(3)}, p75 ${percentile(diffs, 0.75).toFixed(3)})\n`);
      }
    }
  } finally {
    cognito.destroy();
    for (const c of contenders) c.child.kill(profileDir !== undefined ? "SIGINT" : "SIGKILL");
    await new Promise((r) => setTimeout(r, profileDir !== undefined ? 3000 : 200));
    await local.stop();
    rmSync(dir, { recursive: true, force: true });
    await dropBenchState(databaseUrl, schemas, `authgw-login-ab-${run}:*`);
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`login A/B failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

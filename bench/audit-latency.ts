import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "pg";
import { startGateway } from "../src/app";
import type { AuditRecord } from "../src/audit/audit-event";
import { HashChainedFileSink, type AuditSink } from "../src/audit/audit-log";
import { genesisHash } from "../src/audit/hash-chain";
import { migrate } from "../src/audit/postgres/migrations";
import { openPostgresSink } from "../src/audit/postgres/open-postgres";
import { linkHash } from "../src/audit/postgres/record-hash";
import type { AuditDatabaseSettings } from "../src/config";
import { startLocalCognito } from "../src/dev/local-cognito";
import { provisionLocalPool } from "../src/dev/provision-local";
import { benchGatewaySettings } from "./local-gateway-settings";
import { systemClock } from "../src/shared/clock";
import { silentLogger } from "../src/shared/logger";

/**
 * Audit sink latency: (1) the login mutation through two gateways that differ only in their audit sink
 * (file vs PostgreSQL), interleaved; (2) one sink write, sequentially, for the file, the per-instance
 * stream and a prototype of one global chain serialised by the database; (3) two writers at once, per
 * stream vs global. `node dist-bench/bench/audit-latency.js` (after `tsc -p tsconfig.bench.json`).
 */
const url = process.env["AUDIT_BENCH_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const PASSWORD = "Bench-Passw0rd-123";
const CODE = "123456";
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? NaN;
const fmt = (values: number[]) => `p50 ${percentile(values, 0.5).toFixed(3)} ms, p99 ${percentile(values, 0.99).toFixed(3)} ms`;

const record = (n: number): AuditRecord => ({ time: new Date().toISOString(), requestId: `bench-${n}`, ip: "127.0.0.1", userAgent: "bench", event: "LOGIN", outcome: "CHALLENGE", reason: "SOFTWARE_TOKEN_MFA", subject: "00000000-0000-4000-8000-000000000000" });

const timeWrites = async (write: (r: AuditRecord) => Promise<void>, count: number): Promise<number[]> => {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await write(record(i));
    times.push(performance.now() - t);
  }
  return times;
};

/** The alternative: one chain for all instances, each append serialised by an advisory lock. */
const globalChain = async (pool: Pool, schema: string) => {
  await pool.query(`CREATE TABLE "${schema}".global_chain (seq bigint PRIMARY KEY, hash text NOT NULL, record jsonb NOT NULL)`);
  return async (r: AuditRecord) => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock(42)");
      const { rows } = await client.query<{ last: string; hash: string }>(`SELECT seq::text AS last, hash FROM "${schema}".global_chain ORDER BY seq DESC LIMIT 1`);
      const seq = Number(rows[0]?.last ?? 0) + 1;
      const hash = linkHash({ stream: "global", seq, prevHash: rows[0]?.hash ?? genesisHash, record: r });
      await client.query(`INSERT INTO "${schema}".global_chain VALUES ($1, $2, $3)`, [seq, hash, r]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    } finally {
      client.release();
    }
  };
};

const main = async () => {
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] = "true";
  const dir = mkdtempSync(join(tmpdir(), "audit-bench-"));
  const schema = `audit_bench_${randomBytes(4).toString("hex")}`;
  const admin = new Pool({ connectionString: url, max: 4 });
  const db: AuditDatabaseSettings = { url, schema, writeTimeoutMs: 2000, synchronousCommit: "on", checkpointRecords: 1000, checkpointSeconds: 300, retentionDays: 2190 };
  const local = await startLocalCognito({ port: 9400 + Math.floor(Math.random() * 500), dir, code: CODE });
  const sinks: AuditSink[] = [];
  try {
    await migrate(admin, schema);
    const pool = await provisionLocalPool(local.endpoint);
    const base = benchGatewaySettings(pool, local.endpoint);
    const fileGw = await startGateway({ ...base, auditLogFile: join(dir, "login.jsonl") }, { logger: silentLogger });
    const pgGw = await startGateway({ ...base, auditDatabase: db }, { logger: silentLogger });
    const post = async (gw: { url: string }, query: string, variables: object) => {
      const response = await fetch(gw.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    };
    const login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { challenge { name } } }";
    const emails = [fileGw, pgGw].map((_, i) => `bench-audit-${i}-${Date.now()}@example.test`);
    for (const [i, gw] of [fileGw, pgGw].entries()) {
      await post(gw, "mutation($i: RegisterInput!) { register(input: $i) { accepted } }", { i: { email: emails[i], password: PASSWORD } });
      await post(gw, "mutation($e: String!, $c: String!) { confirmSignUp(email: $e, code: $c) }", { e: emails[i], c: CODE });
    }
    const loginTimes: [number[], number[]] = [[], []];
    for (let i = 0; i < 330; i++) {
      // Interleaved in alternating order, so drift (JIT, cognito-local's growing files) hits both alike; the first 30 warm up.
      const order = i % 2 === 0 ? [0, 1] : [1, 0];
      for (const k of order) {
        const gw = k === 0 ? fileGw : pgGw;
        const t = performance.now();
        await post(gw, login, { e: emails[k], p: PASSWORD });
        if (i >= 30) loginTimes[k]?.push(performance.now() - t);
      }
    }
    await fileGw.close();
    await pgGw.close();

    const file = new HashChainedFileSink(join(dir, "writes.jsonl"));
    const stream = await openPostgresSink(db, systemClock);
    sinks.push(file, stream);
    const global = await globalChain(admin, schema);
    await timeWrites((r) => file.write(r), 200);
    await timeWrites((r) => stream.write(r), 200);
    await timeWrites(global, 200);
    const fileWrites = await timeWrites((r) => file.write(r), 2000);
    const streamWrites = await timeWrites((r) => stream.write(r), 2000);
    const asyncStream = await openPostgresSink({ ...db, synchronousCommit: "off" }, systemClock);
    sinks.push(asyncStream);
    await timeWrites((r) => asyncStream.write(r), 200);
    const asyncWrites = await timeWrites((r) => asyncStream.write(r), 2000);
    const globalWrites = await timeWrites(global, 2000);

    // Two instances appending at once, each awaiting its own writes.
    const second = await openPostgresSink(db, systemClock);
    sinks.push(second);
    const pair = async (a: (r: AuditRecord) => Promise<void>, b: (r: AuditRecord) => Promise<void>) => {
      const t = performance.now();
      const [x, y] = await Promise.all([timeWrites(a, 1000), timeWrites(b, 1000)]);
      return { perSecond: 2000 / ((performance.now() - t) / 1000), times: [...x, ...y] };
    };
    const streams = await pair((r) => stream.write(r), (r) => second.write(r));
    const globals = await pair(global, global);

    const [fileLogin, pgLogin] = loginTimes;
    const lines = [
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}, PostgreSQL on loopback, ${new Date().toISOString().slice(0, 10)}`,
      `login mutation (300 each, interleaved): file sink ${fmt(fileLogin)}; PostgreSQL sink ${fmt(pgLogin)}; added p50 ${(percentile(pgLogin, 0.5) - percentile(fileLogin, 0.5)).toFixed(3)} ms`,
      `one write, sequential (2000): file ${fmt(fileWrites)}; per-instance stream ${fmt(streamWrites)} (synchronous_commit=off: ${fmt(asyncWrites)}); global chain (advisory lock) ${fmt(globalWrites)}`,
      `two writers at once (2×1000): per-instance streams ${Math.round(streams.perSecond)} writes/s, ${fmt(streams.times)}; global chain ${Math.round(globals.perSecond)} writes/s, ${fmt(globals.times)}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    for (const sink of sinks) await sink.close?.();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
    await local.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

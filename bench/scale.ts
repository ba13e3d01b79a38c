import "reflect-metadata";
import { fork, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import Redis from "ioredis";
import { Pool } from "pg";
import type { AuditRecord } from "../src/audit/audit-event";
import { migrate } from "../src/audit/postgres/migrations";
import { openPostgresSink } from "../src/audit/postgres/open-postgres";
import { accountKey } from "../src/auth/account-records";
import { AccessStateReader } from "../src/auth/access-state";
import { PasskeyStore, type PasskeyRecord } from "../src/auth/factors/webauthn/passkey-store";
import { SessionRegistry } from "../src/auth/session-registry";
import type { AccessClaims } from "../src/auth/token-claims";
import { migrateRecords } from "../src/db/migrations";
import { PostgresRecordStore } from "../src/db/postgres-record-store";
import { TieredStore } from "../src/db/tiered-store";
import type { AuditDatabaseSettings } from "../src/config";
import { IdleTimeout } from "../src/policy/idle-timeout";
import { PasswordRotation } from "../src/policy/password-rotation";
import { systemClock } from "../src/shared/clock";
import { MemoryStore } from "../src/store/memory-store";
import { RedisStore } from "../src/store/redis-store";
import type { StateStore } from "../src/store/state-store";

/**
 * `npm run bench:scale`: the costs that grow with state, each at 1×, 10× and 100× (BENCHMARKS.md, scale):
 * the per-request state read with N live sessions (memory, Redis, Redis + PostgreSQL with the mirror) and
 * Redis memory per session (a private redis-server, so no other user's keys count); the PostgreSQL audit
 * sink's write latency with N records in the table; a passkey lookup with N passkeys; the sink's throughput
 * from 1 and 4 writer processes. Everything in schemas and a Redis of its own, dropped at the end.
 */
const url = process.env["BENCH_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const scales = (process.env["SCALE_STEPS"] ?? "1000,10000,100000").split(",").map(Number);
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? NaN;
const us = (ms: number) => `${Math.round(ms * 1000)} µs`;

const record = (n: number): AuditRecord => ({ time: new Date().toISOString(), requestId: `scale-${n}`, ip: "127.0.0.1", userAgent: "bench", event: "LOGIN", outcome: "CHALLENGE", reason: "SOFTWARE_TOKEN_MFA", subject: "00000000-0000-4000-8000-000000000000" });

const claimsOf = (i: number): AccessClaims => ({ sub: `sub-${i}`, jti: `jti-${i}-${randomUUID()}`, originJti: undefined, clientId: "client", groups: [], scopes: [], exp: 0, })

/** Opens `count` sessions as a login does: session record, per-user set, live key, activity, account record. */
const openSessions = async (store: StateStore, from: number, count: number, claims: AccessClaims[]) => {
  const sessions = new SessionRegistry({ store, clock: systemClock, sessionMaxAgeSeconds: 3600 });
  const idle = new IdleTimeout({ store, clock: systemClock, idleTimeoutSeconds: 900, writeIntervalSeconds: 60 });
  for (let i = from; i < from + count; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, from + count - i) }, async (_, k) => {
        const c = claimsOf(i + k);
        const id = await sessions.open(c, `refresh-${randomUUID()}`, { requestId: "scale", ip: "127.0.0.1", userAgent: "bench" });
        await idle.start(id);
        await store.set(accountKey(c.sub), JSON.stringify({ sub: c.sub, email: `u${i + k}@example.test`, emailVerified: true, mfaEnabled: true, groups: [] }), 3600);
        claims.push(c);
      }),
    );
  }
};

/** The per-request read (AccessStateReader.forToken), 50 at a time, for random live sessions: wall and CPU µs per read. */
const timeReads = async (store: StateStore, claims: AccessClaims[], reads = 20_000) => {
  const reader = new AccessStateReader({ store, rotation: new PasswordRotation({ store, clock: systemClock, maxAgeDays: 90 }), idle: new IdleTimeout({ store, clock: systemClock, idleTimeoutSeconds: 900, writeIntervalSeconds: 60 }) });
  const cpu = process.cpuUsage();
  const t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next++ < reads) await reader.forToken(claims[Math.floor(Math.random() * claims.length)]!);
    }),
  );
  const used = process.cpuUsage(cpu);
  return { wallUs: ((performance.now() - t) * 1000) / reads, cpuUs: (used.user + used.system) / reads };
};

/** One per-request read of every session, 50 at a time: each account's mirror copy is made once. */
const warmEvery = async (store: StateStore, claims: AccessClaims[]) => {
  const reader = new AccessStateReader({ store, rotation: new PasswordRotation({ store, clock: systemClock, maxAgeDays: 90 }), idle: new IdleTimeout({ store, clock: systemClock, idleTimeoutSeconds: 900, writeIntervalSeconds: 60 }) });
  let next = 0;
  await Promise.all(Array.from({ length: 50 }, async () => {
    while (next < claims.length) await reader.forToken(claims[next++]!);
  }));
};

const redisCpuUs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) * 10_000;
};

const sessionsSection = async (lines: string[]) => {
  const port = 17000 + Math.floor(Math.random() * 2000);
  const server = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 300));
  const admin = new Redis({ port, host: "127.0.0.1" });
  const db = new Pool({ connectionString: url, max: 4 });
  const schema = `scale_${randomBytes(4).toString("hex")}`;
  try {
    await migrateRecords(db, schema);
    const redis = new RedisStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: "authgw:" });
    const tiered = new TieredStore({ ephemeral: redis, lasting: new PostgresRecordStore({ pool: db, schema }) });
    tiered.setVerified(true);
    const memory = new MemoryStore(systemClock, 0);
    const claims: { redis: AccessClaims[]; memory: AccessClaims[] } = { redis: [], memory: [] };
    const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await admin.info("memory"))?.[1]);
    const empty = await usedMemory();
    lines.push("| live sessions | memory store: read µs (CPU) | Redis: read µs (client CPU, redis-server CPU) | Redis + PostgreSQL, mirror warm: read µs (client CPU) | Redis memory per session |", "|---|---|---|---|---|");
    for (const n of scales) {
      await openSessions(redis, claims.redis.length, n - claims.redis.length, claims.redis);
      await openSessions(memory, claims.memory.length, n - claims.memory.length, claims.memory);
      const perSession = ((await usedMemory()) - empty) / n;
      await timeReads(memory, claims.memory, 5000);
      const m = await timeReads(memory, claims.memory);
      await timeReads(redis, claims.redis, 5000);
      const redisCpu = redisCpuUs(server.pid!);
      const r = await timeReads(redis, claims.redis);
      const serverUs = (redisCpuUs(server.pid!) - redisCpu) / 20_000;
      // The mirror warms per account: one read of every session first (random picks would leave about a third
      // of them cold, and the measured reads would time PostgreSQL misses), then the measured reads.
      await warmEvery(tiered, claims.redis);
      const t = await timeReads(tiered, claims.redis);
      lines.push(`| ${n.toLocaleString("en")} | ${m.wallUs.toFixed(1)} (${m.cpuUs.toFixed(1)}) | ${r.wallUs.toFixed(1)} (${r.cpuUs.toFixed(1)}, ${serverUs.toFixed(1)}) | ${t.wallUs.toFixed(1)} (${t.cpuUs.toFixed(1)}) | ${Math.round(perSession)} B |`);
      process.stderr.write(`sessions ${n} done\n`);
    }
    await redis.close();
    await memory.close();
  } finally {
    admin.disconnect();
    server.kill("SIGKILL");
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  }
};

const passkeysSection = async (lines: string[]) => {
  const db = new Pool({ connectionString: url, max: 4 });
  const schema = `scale_pk_${randomBytes(4).toString("hex")}`;
  try {
    await migrateRecords(db, schema);
    const passkeys = new PasskeyStore({ store: new PostgresRecordStore({ pool: db, schema }) });
    const ids: string[] = [];
    const row = (i: number): PasskeyRecord => ({ id: `cred-${i}-${randomUUID()}`, sub: `sub-${i % 5000}`, publicKey: "pQECAyYgASFYIA", counter: 0, transports: ["internal"], nickname: "key", createdAt: new Date().toISOString(), lastUsedAt: undefined, deviceType: "multiDevice", backedUp: true, aaguid: "00000000-0000-0000-0000-000000000000", userVerified: true });
    lines.push("", "| passkeys stored | find by credential id p50 / p99 | list an account's passkeys p50 |", "|---|---|---|");
    for (const n of scales.map((s) => s / 10)) {
      for (let i = ids.length; i < n; i += 100) {
        await Promise.all(Array.from({ length: Math.min(100, n - i) }, async (_, k) => {
          const r = row(i + k);
          await passkeys.add(r);
          ids.push(r.id);
        }));
      }
      const finds: number[] = [];
      const lists: number[] = [];
      for (let i = 0; i < 1000; i++) {
        let t = performance.now();
        await passkeys.find(ids[Math.floor(Math.random() * ids.length)]!);
        finds.push(performance.now() - t);
        t = performance.now();
        await passkeys.list(`sub-${i % 5000}`);
        lists.push(performance.now() - t);
      }
      lines.push(`| ${n.toLocaleString("en")} | ${us(percentile(finds, 0.5))} / ${us(percentile(finds, 0.99))} | ${us(percentile(lists, 0.5))} |`);
      process.stderr.write(`passkeys ${n} done\n`);
    }
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  }
};

const auditSettings = (schema: string): AuditDatabaseSettings => ({ url, schema, writeTimeoutMs: 5000, synchronousCommit: "on", checkpointRecords: 1000, checkpointSeconds: 300, retentionDays: 2190 });

/** One writer process (forked): `inFlight` concurrent writers for `seconds`; reports its write count. */
const writer = async () => {
  const [schema, inFlight, seconds] = process.argv.slice(3);
  const sink = await openPostgresSink(auditSettings(String(schema)), systemClock);
  const end = performance.now() + Number(seconds) * 1000;
  let writes = 0;
  const latencies: number[] = [];
  await Promise.all(Array.from({ length: Number(inFlight) }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      await sink.write(record(writes));
      latencies.push(performance.now() - t);
      writes++;
    }
  }));
  await sink.close();
  process.send?.({ writes, p50: percentile(latencies, 0.5) });
};

const writers = (schema: string, processes: number, inFlight: number, seconds: number) =>
  Promise.all(Array.from({ length: processes }, () => new Promise<{ writes: number; p50: number }>((resolve, reject) => {
    const child = fork(__filename, ["--writer", schema, String(inFlight), String(seconds)], { stdio: "inherit" });
    child.once("message", (m) => resolve(m as { writes: number; p50: number }));
    child.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`writer exited ${code}`))));
  })));

const auditSection = async (lines: string[]) => {
  const admin = new Pool({ connectionString: url, max: 2 });
  const schema = `scale_audit_${randomBytes(4).toString("hex")}`;
  try {
    await migrate(admin, schema);
    const sink = await openPostgresSink(auditSettings(schema), systemClock);
    await sink.write(record(0));
    const { rows } = await admin.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'audit_events' ORDER BY ordinal_position", [schema]);
    const cols = rows.map((r) => r.column_name).filter((c) => c !== "id");
    const select = cols.map((c) => (c === "stream" ? `'bulk-' || (g / 100000)` : c === "seq" ? "g" : c === "request_id" ? "'bulk-' || g" : `r.${c}`)).join(", ");
    lines.push("", "| audit records in the table | one sink write p50 / p99 (synchronous_commit on) |", "|---|---|");
    let filled = 1;
    for (const n of scales.map((s) => s * 10)) {
      // Bulk rows of their own streams beside the sink's (the triggers refuse changes, not inserts).
      await admin.query(`INSERT INTO "${schema}".audit_events (${cols.join(", ")}) SELECT ${select} FROM generate_series($1::bigint, $2::bigint) g, (SELECT * FROM "${schema}".audit_events LIMIT 1) r`, [filled, n - 1]);
      filled = n;
      await admin.query(`ANALYZE "${schema}".audit_events`);
      const times: number[] = [];
      for (let i = 0; i < 300; i++) {
        const t = performance.now();
        await sink.write(record(i));
        times.push(performance.now() - t);
      }
      lines.push(`| ${n.toLocaleString("en")} | ${percentile(times, 0.5).toFixed(2)} ms / ${percentile(times, 0.99).toFixed(2)} ms |`);
      process.stderr.write(`audit ${n} done\n`);
    }
    await sink.close();
    lines.push("", "| writer processes × concurrent writes each | records/s (all processes) | write p50 |", "|---|---|---|");
    for (const [processes, inFlight] of [[1, 1], [1, 8], [4, 1], [4, 8]] as const) {
      const seconds = 5;
      const results = await writers(schema, processes, inFlight, seconds);
      const total = results.reduce((n, r) => n + r.writes, 0);
      lines.push(`| ${processes} × ${inFlight} | ${Math.round(total / seconds)} | ${Math.max(...results.map((r) => r.p50)).toFixed(2)} ms |`);
    }
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
};

const main = async () => {
  const lines = [`Machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}, Redis and PostgreSQL on loopback, ${new Date().toISOString().slice(0, 16)}Z`, ""];
  const only = process.env["SCALE_ONLY"];
  if (!only || only === "sessions") await sessionsSection(lines);
  if (!only || only === "passkeys") await passkeysSection(lines);
  if (!only || only === "audit") await auditSection(lines);
  process.stdout.write(`${lines.join("\n")}\n`);
};

if (process.argv[2] === "--writer") void writer().then(() => process.exit(0));
else
  main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });

import "reflect-metadata";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CognitoIdentityProviderClient, InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import Redis from "ioredis";
import { authenticator } from "otplib";
import { Client, Pool } from "pg";
import { startGateway } from "../src/app";
import { CognitoIdentityProvider } from "../src/auth/cognito/cognito-identity-provider";
import { HashChainedFileSink, type AuditSink } from "../src/audit/audit-log";
import { benchGatewaySettings } from "./local-gateway-settings";
import { startLocalCognito } from "../src/dev/local-cognito";
import { localCredentials, provisionLocalPool } from "../src/dev/provision-local";
import { systemClock } from "../src/shared/clock";
import { silentLogger } from "../src/shared/logger";
import { MemoryStore } from "../src/store/memory-store";
import type { StateStore } from "../src/store/state-store";

/**
 * Where a login's time goes beyond Cognito's: the gateway in this process with its store and audit sink
 * timed call by call, 200 sequential logins. `node dist-bench/bench/login-breakdown.js`.
 * LOGIN_SHAPE=production: production's shape instead (Redis store, lasting records and the audit trail in
 * PostgreSQL, as the bench's "Redis + PostgreSQL" gateway), every Redis command and SQL statement timed.
 */
const PASSWORD = "Bench-Passw0rd-123";
const CODE = "123456";
const spent = new Map<string, { total: number; calls: number }>();
const note = (name: string, ms: number) => {
  const entry = spent.get(name) ?? { total: 0, calls: 0 };
  entry.total += ms;
  entry.calls += 1;
  spent.set(name, entry);
};
const timed = <T extends object>(target: T, prefix: string): T =>
  new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(object, args);
        if (result instanceof Promise) return result.finally(() => note(`${prefix}.${String(property)}`, performance.now() - started));
        note(`${prefix}.${String(property)}`, performance.now() - started);
        return result;
      };
    },
  });

/**
 * Waits on a driver: how often the login went from nothing in flight to something in flight there. Commands
 * sent together (pipelined, or concurrent) are one wait; this count does not move with the machine's load.
 */
const inFlight = new Map<string, number>();
const waits = new Map<string, number>();
const began = (driver: string) => {
  const now = inFlight.get(driver) ?? 0;
  if (now === 0) waits.set(driver, (waits.get(driver) ?? 0) + 1);
  inFlight.set(driver, now + 1);
};
const ended = (driver: string) => inFlight.set(driver, (inFlight.get(driver) ?? 1) - 1);

/** Times every Redis command (by name) and SQL statement (by its first words) this process sends. */
const timeDrivers = () => {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called back with its own `this` below.
  const send = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: Redis, command, stream) {
    const started = performance.now();
    began("redis");
    const result = send.call(this, command, stream);
    void command.promise
      .finally(() => {
        ended("redis");
        note(`redis.${command.name}`, performance.now() - started);
      })
      .catch(() => undefined);
    return result;
  };
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called back with its own `this` below.
  const query = Client.prototype.query as (...args: unknown[]) => unknown;
  (Client.prototype as { query: unknown }).query = function (this: Client, ...args: unknown[]) {
    const given = typeof args[0] === "string" ? args[0] : (args[0] as { text?: unknown } | undefined)?.text;
    const text = typeof given === "string" ? given : "?";
    const started = performance.now();
    began("sql");
    const result = query.apply(this, args);
    if (!(result instanceof Promise)) ended("sql");
    else void result.finally(() => ended("sql")).catch(() => undefined);
    if (result instanceof Promise) void result.finally(() => note(`sql.${text.replace(/\s+/g, " ").split(" ").slice(0, 3).join(" ")}`, performance.now() - started)).catch(() => undefined);
    return result;
  };
};

const databaseUrl = process.env["BENCH_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const run = `${Date.now()}`;

const main = async () => {
  const production = process.env["LOGIN_SHAPE"] === "production";
  const dir = mkdtempSync(join(tmpdir(), "authgw-login-"));
  const local = await startLocalCognito({ port: 9400 + Math.floor(Math.random() * 500), dir, code: CODE });
  const pool = await provisionLocalPool(local.endpoint);
  const fileSettings = benchGatewaySettings(pool, local.endpoint, join(dir, "audit.jsonl"));
  // Production's shape, as bench/run.ts starts its "Redis + PostgreSQL" gateway, in schemas and a key prefix of this run's own.
  const settings = production
    ? { ...fileSettings, redisUrl: "redis://127.0.0.1:6379", redisKeyPrefix: `authgw-login-${run}:`, database: { url: databaseUrl, schema: `login_${run}`, statementTimeoutMs: 3000, generationCheckSeconds: 30 }, auditDatabase: { url: databaseUrl, schema: `login_audit_${run}`, writeTimeoutMs: 3000, synchronousCommit: "on" as const, checkpointRecords: 1000, checkpointSeconds: 300, retentionDays: 2190 } }
    : fileSettings;
  if (production) timeDrivers();
  const store: StateStore | undefined = production ? undefined : timed(new MemoryStore(systemClock), "store");
  const sink: AuditSink | undefined = production ? undefined : timed(new HashChainedFileSink(join(dir, "audit.jsonl")), "audit");
  const c = settings.cognito;
  const idp = timed(new CognitoIdentityProvider({ clientId: c.clientId, clientSecret: undefined, region: c.region, endpoint: c.endpoint, credentials: localCredentials, emulator: true }), "idp");
  const gateway = await startGateway(settings, { ...(store && { store }), ...(sink && { auditSink: sink }), idp, logger: silentLogger });
  const post = async (body: object) => (await (await fetch(gateway.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json()) as { data: Record<string, { challenge: { session: string } } & { secret: string; session: string }> };
  const email = `breakdown-${Date.now()}@example.test`;
  await post({ query: "mutation($i: RegisterInput!) { register(input: $i) { accepted } }", variables: { i: { email, password: PASSWORD } } });
  await post({ query: "mutation($e: String!, $c: String!) { confirmSignUp(email: $e, code: $c) }", variables: { e: email, c: CODE } });
  const first = await post({ query: "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { challenge { session } } }", variables: { e: email, p: PASSWORD } });
  const setup = await post({ query: "mutation($s: String!) { beginMfaSetup(session: $s) { secret session } }", variables: { s: first.data["login"]?.challenge.session } });
  await post({ query: "mutation($s: String!, $c: String!) { completeMfaSetup(session: $s, code: $c) { tokens { accessToken } } }", variables: { s: setup.data["beginMfaSetup"]?.session, c: authenticator.generate(setup.data["beginMfaSetup"]?.secret ?? "") } });
  const cognito = new CognitoIdentityProviderClient({ endpoint: local.endpoint, region: "local", credentials: localCredentials });
  const rounds = 200;
  for (let i = 0; i < 20; i++) await post({ query: "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { challenge { name } } }", variables: { e: email, p: PASSWORD } });
  spent.clear();
  waits.clear();
  // LOGIN_PROFILE=file.cpuprofile: a V8 CPU profile of the measured logins only (not of the start-up).
  const profile = process.env["LOGIN_PROFILE"] ? new Session() : undefined;
  profile?.connect();
  await profile?.post("Profiler.enable");
  await profile?.post("Profiler.start");
  let direct = 0;
  let viaGateway = 0;
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    await cognito.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: email, PASSWORD } }));
    direct += performance.now() - t;
    t = performance.now();
    await post({ query: "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { challenge { name } } }", variables: { e: email, p: PASSWORD } });
    viaGateway += performance.now() - t;
  }
  // What the logins did, before the trivial queries below add theirs.
  const loginWaits = new Map(waits);
  const loginSpent = new Map(spent);
  if (profile) writeFileSync(String(process.env["LOGIN_PROFILE"]), JSON.stringify((await profile.post("Profiler.stop")).profile));
  let trivial = 0;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await post({ query: "{ passwordPolicy { minLength } }" });
    trivial += performance.now() - t;
  }
  process.stdout.write(`mean of a trivial query through the gateway (the HTTP and GraphQL share of any login): ${(trivial / rounds).toFixed(3)} ms\n`);
  process.stdout.write(`mean per login: gateway ${(viaGateway / rounds).toFixed(3)} ms, direct ${(direct / rounds).toFixed(3)} ms\n`);
  for (const [driver, count] of loginWaits) process.stdout.write(`sequential waits on ${driver}: ${(count / rounds).toFixed(2)} per login\n`);
  for (const [name, { total, calls }] of [...loginSpent].sort((a, b) => b[1].total - a[1].total)) {
    process.stdout.write(`${name}: ${(calls / rounds).toFixed(1)} calls, ${(total / rounds).toFixed(3)} ms per login\n`);
  }
  cognito.destroy();
  await gateway.close();
  await local.stop();
  rmSync(dir, { recursive: true, force: true });
  if (production) {
    const admin = new Pool({ connectionString: databaseUrl, max: 1 });
    for (const schema of [`login_${run}`, `login_audit_${run}`]) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end();
    const redis = new Redis("redis://127.0.0.1:6379");
    const keys = await redis.keys(`authgw-login-${run}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
};
void main();

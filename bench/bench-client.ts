import { readFileSync } from "node:fs";
import Redis from "ioredis";
import { authenticator } from "otplib";
import { Pool } from "pg";

/** The benches' cognito-local answers every confirmation with this code; their users share this password. */
export const CODE = "123456";
export const PASSWORD = "Bench-Passw0rd-123";

export const post = async (url: string, body: object, token?: string): Promise<Record<string, unknown>> => {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return (await response.json()) as Record<string, unknown>;
};

export const data = <T>(answer: Record<string, unknown>, field: string): T => {
  const value = (answer["data"] as Record<string, unknown> | null)?.[field];
  if (value === undefined || value === null) throw new Error(`bench setup failed at ${field}: ${JSON.stringify(answer["errors"])}`);
  return value as T;
};

/** Registers, confirms and enrols a user through a gateway; returns its access token. */
export const enrol = async (url: string, email: string): Promise<string> => {
  await post(url, { query: "mutation($i: RegisterInput!) { register(input: $i) { accepted } }", variables: { i: { email, password: PASSWORD } } });
  await post(url, { query: "mutation($e: String!, $c: String!) { confirmSignUp(email: $e, code: $c) }", variables: { e: email, c: CODE } });
  const login = data<{ challenge: { session: string } }>(await post(url, { query: "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { challenge { session } } }", variables: { e: email, p: PASSWORD } }), "login");
  const setup = data<{ secret: string; session: string }>(await post(url, { query: "mutation($s: String!) { beginMfaSetup(session: $s) { secret session } }", variables: { s: login.challenge.session } }), "beginMfaSetup");
  const done = data<{ tokens: { accessToken: string } }>(
    await post(url, { query: "mutation($s: String!, $c: String!) { completeMfaSetup(session: $s, code: $c) { tokens { accessToken } } }", variables: { s: setup.session, c: authenticator.generate(setup.secret) } }),
    "completeMfaSetup",
  );
  return done.tokens.accessToken;
};

/** CPU time (user + system) a process has used, in µs, from /proc (clock ticks of 10 ms). */
export const cpuUsOf = (pid: number | undefined): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
};

/** Drops what a bench run made in the shared services: its PostgreSQL schemas and its Redis keys. */
export const dropBenchState = async (databaseUrl: string, schemas: readonly string[], redisKeyPattern: string): Promise<void> => {
  if (schemas.length === 0) return;
  const admin = new Pool({ connectionString: databaseUrl, max: 1 });
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  await admin.end();
  const redis = new Redis("redis://127.0.0.1:6379");
  const keys = await redis.keys(redisKeyPattern);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
};

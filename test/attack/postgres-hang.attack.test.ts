import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { ChangePasswordDocument, LoginDocument, LogoutDocument, MeDocument } from "../generated/graphql";
import { execute, type GraphQLResponse, type RequestOptions } from "../support/graphql-client";
import { processTestTimeoutMs, startGatewayProcess, waitFor, type GatewayProcess } from "../support/gateway-process";
import { startPrivatePostgres, startPrivateRedis } from "../support/private-servers";
import { privateProductionEnv } from "../support/production-env";
import { enrolledUser, freshCode, PASSWORD } from "../support/users";

/**
 * The operator's bad night, black box: the built gateway in production mode (GATEWAY_MODE=production) on a
 * private redis-server and a private PostgreSQL. PostgreSQL HANGS (SIGSTOP of the postmaster and every
 * backend: connections stay open, nothing answers — what a frozen VM or a stuck failover looks like).
 * DATABASE_STATEMENT_TIMEOUT_MS is documented as the upper bound of one statement "(or connection)": the
 * request fails closed with a 503 after it. A logout must still end the session.
 *
 * Today the lasting-records pool bounds a statement only on the server (statement_timeout, which a hung server
 * never enforces) and the connect (connectionTimeoutMillis); a statement sent on an open connection waits for
 * as long as the server hangs. Requests that touch a lasting record get no answer at all, and complete when
 * the database thaws — a password change the client gave up on (no answer) happens minutes later.
 */
jest.setTimeout(processTestTimeoutMs);
let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let pg: Awaited<ReturnType<typeof startPrivatePostgres>>;
let gw: GatewayProcess;
let pgPids: number[] = [];

const childrenOf = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number));

beforeAll(async () => {
  redis = await startPrivateRedis();
  pg = await startPrivatePostgres();
  await pg.query("CREATE DATABASE gw");
  const { data_directory } = ((await pg.query("SHOW data_directory")) as { data_directory: string }[])[0]!;
  const postmaster = Number(readFileSync(`${data_directory}/postmaster.pid`, "utf8").split("\n")[0]);
  pgPids = [postmaster];
  gw = await startGatewayProcess(
    await privateProductionEnv({ redisUrl: redis.url, databaseUrl: pg.url.replace(/\/postgres$/, "/gw"), keyPrefix: `op-${randomUUID()}:` }, { DATABASE_STATEMENT_TIMEOUT_MS: "2000", AUDIT_WRITE_TIMEOUT_MS: "2000" }),
  )
});
afterAll(async () => {
  for (const pid of pgPids) try { process.kill(pid, "SIGCONT"); } catch { /* gone */ }
  await gw?.stop();
  await pg?.stop();
  await redis?.stop();
});

const client = { run: <R, V>(doc: TypedDocumentNode<R, V> | string, variables?: V, options?: RequestOptions) => execute(gw.url, doc, variables, options) };
/** The answer, or "NO ANSWER" when none came within the bound (well above every configured timeout). */
const within = async <R>(ms: number, request: Promise<GraphQLResponse<R>>) =>
  Promise.race([request.then((r) => ({ status: r.status, code: r.errors?.[0]?.extensions?.["code"] ?? "ok" })), new Promise<string>((resolve) => setTimeout(() => resolve("NO ANSWER"), ms))]);

const freeze = () => {
  const postmaster = pgPids[0]!;
  pgPids = [postmaster, ...childrenOf(postmaster)];
  for (const pid of pgPids) process.kill(pid, "SIGSTOP");
};
const thaw = () => {
  for (const pid of pgPids) process.kill(pid, "SIGCONT");
};

it("PostgreSQL hung: readiness says not ready, and a logout still answers within its bounds and ends the session", async () => {
  const user = await enrolledUser(client);
  const second = await enrolledUser(client);
  freeze();
  let logout: Promise<GraphQLResponse<unknown>> | undefined;
  let tokenOnly: Promise<GraphQLResponse<unknown>> | undefined;
  try {
    // Held from the start: readiness tells the truth within its one-second checks.
    const ready = await fetch(`${gw.origin}/readyz`);
    expect(ready.status).toBe(503);
    // Ending a session must not wait on the database: statements are bounded at 2 s, audit writes at 2 s.
    // Today the logout gets no answer for as long as PostgreSQL hangs (it answered 200 only after the thaw).
    logout = client.run(LogoutDocument, { refreshToken: user.refreshToken }, { token: user.accessToken });
    expect(await within(10_000, logout)).toEqual({ status: 200, code: "ok" });
    // With the access token alone (no refresh token to find the session by): the session still ends.
    tokenOnly = client.run(LogoutDocument, {}, { token: second.accessToken });
    expect(await within(10_000, tokenOnly)).toEqual({ status: 200, code: "ok" });
    // Anything else the token asks for is refused as the outage it is, never served without the account's state.
    expect(await within(10_000, client.run(MeDocument, {}, { token: user.accessToken }))).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE" });
  } finally {
    thaw();
    await logout?.catch(() => undefined);
    await tokenOnly?.catch(() => undefined);
  }
  await waitFor(async () => (await fetch(`${gw.origin}/readyz`)).status === 200, "ready again by itself", 60_000);
  expect(await within(10_000, client.run(MeDocument, {}, { token: user.accessToken }))).toEqual({ status: 401, code: "UNAUTHENTICATED" });
  expect(await within(10_000, client.run(MeDocument, {}, { token: second.accessToken }))).toEqual({ status: 401, code: "UNAUTHENTICATED" });
});

it("PostgreSQL hung: changePassword answers 503 within its bounds, and a change answered 503 does not happen later", async () => {
  await waitFor(async () => (await fetch(`${gw.origin}/readyz`)).status === 200, "ready", 60_000);
  const user = await enrolledUser(client);
  const code = await freshCode(user.secret);
  freeze();
  let change: Promise<GraphQLResponse<unknown>> | undefined;
  try {
    change = client.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: "Another-Horse-Battery-77", code }, { token: user.accessToken });
    expect(await within(10_000, change)).toEqual({ status: 503, code: "SERVICE_UNAVAILABLE" });
  } finally {
    thaw();
    await change?.catch(() => undefined);
  }
  await waitFor(async () => (await fetch(`${gw.origin}/readyz`)).status === 200, "ready again by itself", 60_000);
  // The client was told the change did not happen (or told nothing): the password it knows must still be the one.
  const login = await client.run(LoginDocument, { email: user.email, password: PASSWORD });
  expect(login.errors?.[0]?.extensions.code).toBeUndefined();
});

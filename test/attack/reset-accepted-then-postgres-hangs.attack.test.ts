import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { CompleteMfaSetupDocument, ConfirmForgotPasswordDocument, ForgotPasswordDocument, LoginDocument, MeDocument, ResetMfaDocument, RespondToMfaDocument } from "../generated/graphql";
import { TEST_CODE, testCognito } from "../setup/test-cognito";
import { dataOf, execute, type GraphQLResponse, type RequestOptions } from "../support/graphql-client";
import { processTestTimeoutMs, startGatewayProcess, waitFor, type GatewayProcess } from "../support/gateway-process";
import { startPrivatePostgres, startPrivateRedis } from "../support/private-servers";
import { privateProductionEnv } from "../support/production-env";
import { enrolledUser, freshCode, loginWithMfa, PASSWORD } from "../support/users";

/**
 * ATTACK (operator's bad moment + a thief already inside): the owner's reset through the mailbox is accepted by
 * the provider, and then PostgreSQL stops answering (a hang: SIGSTOP, what a stuck failover looks like) before
 * the gateway writes the password record.
 *
 * Severity: high. confirmForgotPassword is the owner's documented way to take the account back from a stolen
 * session ("every session and pending login of the account ends, every passkey is revoked"). The gateway runs
 * every take-back step (sign-out everywhere, passkey revocation, the provider's global sign-out) only AFTER the
 * password record was written to PostgreSQL (`recordSet`). When that write fails, the request answers 503 and
 * none of them runs — yet the provider has already set the owner's new password and spent the code. Nothing
 * retries them: after PostgreSQL is back the owner signs in with the new password (so the reset "worked"), a
 * second confirm with the same code is refused, and the thief's stolen session (held in Redis, which never went
 * down) is still live, with everything it could add to the account (a passkey signs in alone).
 *
 * The same for resetMfa → completeMfaSetup: the provider switches the new authenticator on, the sealed copy
 * (PostgreSQL) hangs, and the notice, the passkey revocation and the sign-out everywhere never run.
 *
 * Should: once the provider accepted the new password (or authenticator), the account's sessions end (Redis answers) and the
 * provider's tokens are revoked whatever the lasting write does; what needs PostgreSQL is done or owed, never
 * silently dropped.
 */
jest.setTimeout(processTestTimeoutMs);
let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let pg: Awaited<ReturnType<typeof startPrivatePostgres>>;
let gw: GatewayProcess;
let pgPids: number[] = [];
let provider: Server;
/** Provider calls of this API action wait at `gate` until the test lets them through. */
let hold: { action: string; gate: Promise<void>; reached: boolean } | undefined;

const childrenOf = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number));
const freeze = () => {
  const postmaster = pgPids[0]!;
  pgPids = [postmaster, ...childrenOf(postmaster)];
  for (const pid of pgPids) process.kill(pid, "SIGSTOP");
};
const thaw = () => {
  for (const pid of pgPids) process.kill(pid, "SIGCONT");
};

const bodyOf = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks))).on("error", reject);
  });

beforeAll(async () => {
  // The provider's API as the gateway reaches it (its COGNITO_ENDPOINT): the run's cognito-local, behind a pass-through
  // that lets the test choose the moment a reset's provider call lands.
  const upstream = testCognito().endpoint;
  provider = createServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req);
      const target = String(req.headers["x-amz-target"] ?? "");
      const held = hold;
      if (held && target.endsWith(`.${held.action}`)) {
        held.reached = true;
        await held.gate;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string" && !["host", "connection", "content-length"].includes(name)) headers[name] = value;
      const answer = await fetch(`${upstream}${req.url ?? "/"}`, { method: req.method, headers, body: req.method === "GET" ? undefined : new Uint8Array(body) });
      const out = Buffer.from(await answer.arrayBuffer());
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" }).end(out);
    })().catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
  redis = await startPrivateRedis();
  pg = await startPrivatePostgres();
  await pg.query("CREATE DATABASE gw");
  const { data_directory } = ((await pg.query("SHOW data_directory")) as { data_directory: string }[])[0]!;
  pgPids = [Number(readFileSync(`${data_directory}/postmaster.pid`, "utf8").split("\n")[0])];
  gw = await startGatewayProcess(
    await privateProductionEnv(
      { redisUrl: redis.url, databaseUrl: pg.url.replace(/\/postgres$/, "/gw"), keyPrefix: `op-${randomUUID()}:` },
      { COGNITO_ENDPOINT: `http://127.0.0.1:${(provider.address() as AddressInfo).port}`, DATABASE_STATEMENT_TIMEOUT_MS: "2000", AUDIT_WRITE_TIMEOUT_MS: "2000" },
    ),
  );
});
afterAll(async () => {
  for (const pid of pgPids) try { process.kill(pid, "SIGCONT"); } catch { /* gone */ }
  await gw?.stop();
  await pg?.stop();
  await redis?.stop();
  await new Promise<void>((resolve) => (provider.closeAllConnections(), provider.close(() => resolve())));
});

const client = { run: <R, V>(doc: TypedDocumentNode<R, V> | string, variables?: V, options?: RequestOptions) => execute(gw.url, doc, variables, options) };
/**
 * Runs `request`, holding its provider call `action` until PostgreSQL is frozen: the provider accepts, then the
 * gateway's next lasting write hangs. PostgreSQL thaws once the answer came; resolves when the gateway is ready again.
 */
const acceptedThenHang = async (action: string, request: () => Promise<GraphQLResponse<unknown>>): Promise<GraphQLResponse<unknown>> => {
  let release!: () => void;
  const held = { action, gate: new Promise<void>((resolve) => (release = resolve)), reached: false };
  hold = held;
  let pending: Promise<GraphQLResponse<unknown>> | undefined;
  try {
    pending = request();
    await waitFor(() => held.reached, `the provider call ${action}`, 30_000);
    freeze();
    release();
    return await pending;
  } finally {
    release();
    thaw();
    await pending?.catch(() => undefined);
    hold = undefined;
    await waitFor(async () => (await fetch(`${gw.origin}/readyz`)).status === 200, "ready again by itself", 60_000);
  }
};

const OWNERS_NEW_PASSWORD = "Owners-Own-Reset-Passw0rd-77";

it("a reset the provider accepted ends the thief's stolen session, even when PostgreSQL hangs right after", async () => {
  const owner = await enrolledUser(client);
  // The thief's copy of one of the owner's sessions.
  const stolen = (await loginWithMfa(client, owner)).tokens!.accessToken;
  expect(dataOf(await client.run(MeDocument, {}, { token: stolen })).me.email).toBe(owner.email);

  // The owner takes the account back through their mailbox.
  dataOf(await client.run(ForgotPasswordDocument, { email: owner.email }));
  const answered = await acceptedThenHang("ConfirmForgotPassword", () => client.run(ConfirmForgotPasswordDocument, { email: owner.email, code: TEST_CODE, newPassword: OWNERS_NEW_PASSWORD }));
  // Told the reset failed (a 503 within the statement bound), or that it worked.
  expect([200, 503]).toContain(answered.status);

  // The reset happened: the owner's new password opens the account (the old one does not).
  const login = await client.run(LoginDocument, { email: owner.email, password: OWNERS_NEW_PASSWORD });
  expect(login.errors?.[0]?.extensions?.["code"]).toBeUndefined();
  // The owner cannot run the reset again with the same code: the provider spent it.
  expect((await client.run(ConfirmForgotPasswordDocument, { email: owner.email, code: TEST_CODE, newPassword: "Yet-Another-Passw0rd-88" })).errors?.[0]?.extensions?.["code"]).toBe("CODE_MISMATCH");
  // So the thief's session must be over.
  expect((await client.run(MeDocument, {}, { token: stolen })).errors?.[0]?.extensions?.["code"]).toBe("UNAUTHENTICATED");
});

it("an authenticator replacement the provider accepted ends the thief's stolen session, even when PostgreSQL hangs right after", async () => {
  const owner = await enrolledUser(client);
  // The thief's copy of the owner's first session (one TOTP step holds three codes: no more are used here).
  const stolen = owner.accessToken;
  expect(dataOf(await client.run(MeDocument, {}, { token: stolen })).me.email).toBe(owner.email);

  // The owner, on their own device, replaces the authenticator ("every other session and pending login ends").
  const own = (await loginWithMfa(client, owner)).tokens!.accessToken;
  const setup = dataOf(await client.run(ResetMfaDocument, { currentPassword: PASSWORD, code: await freshCode(owner.secret) }, { token: own })).resetMfa;
  const code = await freshCode(setup.secret);
  const answered = await acceptedThenHang("SetUserMFAPreference", () => client.run(CompleteMfaSetupDocument, { session: setup.session, code }));
  expect([200, 503]).toContain(answered.status);

  // The replacement happened at the provider: the new authenticator's codes sign in.
  const login = dataOf(await client.run(LoginDocument, { email: owner.email, password: PASSWORD })).login;
  const answer = await client.run(RespondToMfaDocument, { session: login.challenge!.session, code: await freshCode(setup.secret) });
  expect(answer.errors?.[0]?.extensions?.["code"]).toBeUndefined();
  // So the thief's session must be over.
  expect((await client.run(MeDocument, {}, { token: stolen })).errors?.[0]?.extensions?.["code"]).toBe("UNAUTHENTICATED");
});

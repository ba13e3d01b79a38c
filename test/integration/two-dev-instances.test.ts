import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { startLocalCognito, type LocalCognito } from "../../src/dev/local-cognito";
import { RedisStore } from "../../src/store/redis-store";
import {
  BeginMfaSetupDocument,
  CompleteMfaSetupDocument,
  ConfirmSignUpDocument,
  LoginDocument,
  MeDocument,
  RegisterDocument,
  RespondToMfaDocument,
} from "../generated/graphql";
import { TEST_CODE } from "../setup/test-cognito";
import { dataOf, errorOf, execute, type RequestOptions } from "../support/graphql-client";
import { freePort, portIsFree, processTestTimeoutMs, startGatewayProcess, type GatewayProcess } from "../support/gateway-process";
import { freshCode, PASSWORD, registerConfirmed, uniqueEmail } from "../support/users";

/** A client of one gateway process, shaped like the test gateway the user helpers take. */
const clientOf = (gateway: GatewayProcess) => ({
  run: <R, V>(document: TypedDocumentNode<R, V> | string, variables?: V, options?: RequestOptions) => execute(gateway.url, document, variables, options),
});

/**
 * Scale-out in dev mode: two real gateway processes (node dist/main.js) joined to one cognito-local
 * through LOCAL_COGNITO_URL and sharing one Redis (under a prefix of their own), as two instances
 * behind a load balancer would be.
 */
describe("two dev gateway instances on one cognito-local and one Redis", () => {
  jest.setTimeout(processTestTimeoutMs);
  const prefix = `authgw-test:${randomUUID()}:`;
  let dir: string;
  let cognito: LocalCognito;
  let spawnPort: number;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let A: ReturnType<typeof clientOf>;
  let B: ReturnType<typeof clientOf>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "authgw-two-"));
    cognito = await startLocalCognito({ port: await freePort(), dir, code: TEST_CODE });
    spawnPort = await freePort();
    const shared = {
      LOCAL_COGNITO_URL: cognito.endpoint,
      // What each would use to spawn its own cognito-local: nothing may appear there.
      LOCAL_COGNITO_PORT: String(spawnPort),
      LOCAL_COGNITO_DIR: join(dir, "not-spawned"),
      REDIS_URL: "redis://127.0.0.1:6379",
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_IP_PER_MINUTE: "0",
      RATE_LIMIT_ACCOUNT_PER_MINUTE: "0",
    };
    // One after the other, as an operator starts them: the second finds the pool the first created.
    a = await startGatewayProcess({ ...shared, PORT: String(await freePort()), AUDIT_LOG_FILE: join(dir, "a.jsonl") });
    b = await startGatewayProcess({ ...shared, PORT: String(await freePort()), AUDIT_LOG_FILE: join(dir, "b.jsonl") });
    [A, B] = [clientOf(a), clientOf(b)];
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await cognito?.stop();
    const store = new RedisStore({ url: "redis://127.0.0.1:6379", keyPrefix: prefix });
    await store.clearPrefix();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("use the cognito-local at LOCAL_COGNITO_URL and the same pool, spawning none of their own", async () => {
    const [devA, devB] = [a.logLine("DEV MODE"), b.logLine("DEV MODE")];
    expect(devA).toMatchObject({ cognito: cognito.endpoint });
    expect(devB).toMatchObject({ cognito: cognito.endpoint, userPoolId: devA?.["userPoolId"] });
    expect(existsSync(join(dir, "not-spawned"))).toBe(false);
    expect(await portIsFree(spawnPort)).toBe(true);
  });

  it("accept each other's tokens, and carry a sign-up and an MFA enrolment across instances", async () => {
    const email = uniqueEmail();
    dataOf(await A.run(RegisterDocument, { input: { email, password: PASSWORD, givenName: "Ada", familyName: "Lovelace" } }));
    dataOf(await B.run(ConfirmSignUpDocument, { email, code: TEST_CODE }));
    const login = dataOf(await A.run(LoginDocument, { email, password: PASSWORD })).login;
    expect(login.challenge?.name).toBe("MFA_SETUP");
    const setup = dataOf(await B.run(BeginMfaSetupDocument, { session: login.challenge!.session })).beginMfaSetup;
    const tokens = dataOf(await A.run(CompleteMfaSetupDocument, { session: setup.session, code: await freshCode(setup.secret) })).completeMfaSetup.tokens!;

    expect(dataOf(await B.run(MeDocument, {}, { token: tokens.accessToken })).me.email).toBe(email);
    expect(dataOf(await A.run(MeDocument, {}, { token: tokens.accessToken })).me.email).toBe(email);

    // An MFA login begun on B completes on A, and A's tokens work on B.
    const again = dataOf(await B.run(LoginDocument, { email, password: PASSWORD })).login;
    expect(again.challenge?.name).toBe("SOFTWARE_TOKEN_MFA");
    const next = dataOf(await A.run(RespondToMfaDocument, { session: again.challenge!.session, code: await freshCode(setup.secret) })).respondToMfa.tokens!;
    expect(dataOf(await B.run(MeDocument, {}, { token: next.accessToken })).me.email).toBe(email);
  });

  it("count parallel failures on both exactly: 10 wrong passwords split over both, 5 counted, then locked on both", async () => {
    const email = await registerConfirmed(A);
    const attempts = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? A : B).run(LoginDocument, { email, password: "Wrong-Passw0rd-!!" }));
    const codes = (await Promise.all(attempts)).map((response) => errorOf(response).extensions.code);
    expect(codes.filter((code) => code === "INVALID_CREDENTIALS")).toHaveLength(5);
    expect(codes.filter((code) => code === "ACCOUNT_LOCKED")).toHaveLength(5);

    for (const gateway of [A, B]) expect(errorOf(await gateway.run(LoginDocument, { email, password: PASSWORD })).extensions.code).toBe("ACCOUNT_LOCKED");

    // Exactly one of the two set the lock and audited it.
    const lockouts = ["a.jsonl", "b.jsonl"]
      .flatMap((file) => readFileSync(join(dir, file), "utf8").split("\n").filter(Boolean))
      .map((line) => JSON.parse(line) as { event: string; outcome: string; reason?: string })
      .filter((record) => record.event === "LOCKOUT" && record.outcome === "SUCCESS");
    expect(lockouts).toEqual([expect.objectContaining({ reason: "FAILURES:5" })]);
  });

  it("keep their shared state under REDIS_KEY_PREFIX", async () => {
    const store = new RedisStore({ url: "redis://127.0.0.1:6379", keyPrefix: prefix });
    try {
      expect((await store.client.keys(`${prefix}*`)).length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});

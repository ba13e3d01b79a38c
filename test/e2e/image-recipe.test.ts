import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Redis from "ioredis";
import { Client } from "pg";
import { testCognito } from "../setup/test-cognito";
import { parseDockerfile, reproduceStages } from "../support/dockerfile-recipe";
import { freePort } from "../support/ports";
import { standInProductionEnv } from "../support/production-env";

/**
 * The image recipe, checked without an engine (none on these machines): the Dockerfile is linted, then its
 * stages are reproduced in a clean directory (`npm ci`, build, `npm ci --omit=dev`, the runtime's copies)
 * and the image's CMD runs with the image's ENV: it refuses to start without settings, naming each; with
 * them (cognito-local standing in as the AWS endpoint, real Redis and PostgreSQL) it starts, passes the
 * image's own HEALTHCHECK, and never spawns an emulator. Slow (two installs and a build): about two minutes.
 */
const root = join(__dirname, "../..");
const recipe = parseDockerfile(readFileSync(join(root, "Dockerfile"), "utf8"));
/** The image's Node line: this Node (the project's, 24) first on PATH, as node:24 puts its own. */
const path = [dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(":");
const adminDb = "postgres://postgres@127.0.0.1:5432/postgres";

const childrenOf = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number));

const waitFor = async (what: string, probe: () => Promise<boolean>, child: ChildProcess, output: () => string): Promise<void> => {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the gateway exited (${child.exitCode}) before ${what}:\n${output()}`);
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${what} within 30 s:\n${output()}`);
};

describe("the Docker image recipe (no engine)", () => {
  const work = mkdtempSync(join(tmpdir(), "authgw-image-"));
  const database = `authgw_image_${randomUUID().replace(/-/g, "")}`;
  const prefix = `authgw-image:${randomUUID()}:`;
  let runtime: string;

  beforeAll(async () => {
    const admin = new Client({ connectionString: adminDb });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const { stageDirs } = reproduceStages(recipe, root, work, { PATH: path, HOME: process.env["HOME"], npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false" });
    runtime = stageDirs[recipe.final.name]!;
  }, 600_000);

  afterAll(async () => {
    const admin = new Client({ connectionString: adminDb });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    const redis = new Redis("redis://127.0.0.1:6379");
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    // Two installs: about a gigabyte of small files, slow to remove on a loaded machine.
    rmSync(work, { recursive: true, force: true });
  }, 300_000);

  it("passes the Dockerfile linter (dockerfilelint; Debian has no hadolint package)", () => {
    const lint = spawnSync(join(root, "node_modules/.bin/dockerfilelint"), ["-o", "json", join(root, "Dockerfile")], { encoding: "utf8", env: { PATH: path } });
    expect(JSON.parse(lint.stdout)).toMatchObject({ totalIssues: 0 });
    expect(lint.status).toBe(0);
  });

  it("runs in production mode, with production dependencies only", () => {
    expect(recipe.env).toMatchObject({ NODE_ENV: "production", GATEWAY_MODE: "production" });
    expect(recipe.cmd).toEqual(["node", "dist/main.js"]);
    const installed = readdirSync(join(runtime, "node_modules"));
    for (const devOnly of ["cognito-local", "patch-package", "jest", "typescript"]) expect(installed).not.toContain(devOnly);
    expect(installed).toEqual(expect.arrayContaining(["argon2", "ioredis", "pg", "@apollo"]));
  });

  const startImage = (settings: Record<string, string>) => {
    const [command = "", ...args] = recipe.cmd;
    const child = spawn(command, args, { cwd: runtime, env: { PATH: path, HOME: runtime, ...recipe.env, ...settings }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    return { child, exited, output: () => output };
  };

  it("refuses to start without settings, naming each missing one in one message, and exits non-zero", async () => {
    const { exited, output } = startImage({});
    expect(await exited).toBe(1);
    const message = output();
    expect(message).toMatch(/^Production mode \(GATEWAY_MODE=production\) refuses to start; 12 settings to fix:\n/);
    for (const name of ["COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "AWS_REGION", "REDIS_URL", "DATABASE_URL", "AUDIT_CHAIN_KEY", "TOTP_SEAL_KEY", "NOTICE_WEBHOOK_URL", "NOTICE_WEBHOOK_SECRET", "TRUST_PROXY_HOPS", "ALERT_WEBHOOK_URL", "ALERT_WEBHOOK_SECRET"]) {
      expect(message).toMatch(new RegExp(`^  - ${name} is required`, "m"));
    }
  });

  it("in dev mode says how to get cognito-local, which a production install does not have", async () => {
    const { exited, output } = startImage({ GATEWAY_MODE: "dev", PORT: String(await freePort()), LOCAL_COGNITO_DIR: join(work, "dev-cognito") });
    expect(await exited).toBe(1);
    expect(output()).toContain("Dev mode needs cognito-local, a dev dependency that is not installed here");
    expect(output()).toContain("npm install");
  });

  it("starts with every setting against cognito-local as the AWS endpoint, Redis and PostgreSQL, healthy, without spawning an emulator", async () => {
    const cognito = testCognito();
    const [port, metricsPort] = [await freePort(), await freePort()];
    const gateway = startImage({
      PORT: String(port),
      HOST: "127.0.0.1",
      METRICS_PORT: String(metricsPort),
      ...standInProductionEnv(cognito, prefix, database),
      TRUST_PROXY_HOPS: "1",
      ALERT_WEBHOOK_URL: "https://alerts.example.test/hook",
      ALERT_WEBHOOK_SECRET: "a".repeat(32),
      CUSTOM_AUTH_PRIVATE_KEY: cognito.customAuthPrivateKey,
    });
    try {
      await waitFor("readiness", async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, gateway.child, gateway.output);
      // The image's own HEALTHCHECK command, as the engine would run it inside the container.
      const [check = "", ...checkArgs] = recipe.healthcheck ?? [];
      expect(spawnSync(check, checkArgs, { env: { PATH: path, PORT: String(port) } }).status).toBe(0);
      const api = await fetch(`http://127.0.0.1:${port}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ __typename }"}' });
      expect(api.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);
      expect(childrenOf(gateway.child.pid!)).toEqual([]);
      expect(gateway.output()).toMatch(/"mode":"production"/);
      expect(gateway.output()).not.toContain("DEV MODE");
      // The audit trail is PostgreSQL, in its own schema of DATABASE_URL.
      const db = new Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${database}` });
      await db.connect();
      const schemas = await db.query<{ schema_name: string }>("SELECT schema_name FROM information_schema.schemata WHERE schema_name = 'audit'");
      await db.end();
      expect(schemas.rows).toHaveLength(1);
      gateway.child.kill("SIGTERM");
      expect(await gateway.exited).toBe(0);
    } finally {
      gateway.child.kill("SIGKILL");
    }
  });
});

import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Redis from "ioredis";
import { Client } from "pg";
import { testCognito } from "../setup/test-cognito";
import { freePort } from "../support/ports";
import { standInProductionEnv } from "../support/production-env";

/** The built gateway started the way production starts it (`npm test` builds first; the image check is test/e2e/image-recipe). */
const main = join(__dirname, "../../dist/main.js");
const adminDb = "postgres://postgres@127.0.0.1:5432/postgres";
const childrenOf = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number));

describe("a production start of the built gateway", () => {
  it("with the pool forgotten (and dev leftovers) exits 1 before listening, naming every problem, and spawns no cognito-local", async () => {
    const [port, cognitoPort] = [await freePort(), await freePort()];
    const result = spawnSync(process.execPath, [main], {
      env: { PATH: process.env["PATH"], NODE_ENV: "production", PORT: String(port), LOCAL_COGNITO_PORT: String(cognitoPort), REDIS_URL: "redis://127.0.0.1:6379" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toBe("Production mode (GATEWAY_MODE=production) refuses to start; 12 settings to fix:");
    expect(lines.slice(1).map((l) => /^ {2}- (\w+)/.exec(l)?.[1])).toEqual(["COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "AWS_REGION", "DATABASE_URL", "AUDIT_CHAIN_KEY", "TOTP_SEAL_KEY", "NOTICE_WEBHOOK_URL", "NOTICE_WEBHOOK_SECRET", "TRUST_PROXY_HOPS", "ALERT_WEBHOOK_URL", "ALERT_WEBHOOK_SECRET", "LOCAL_COGNITO_PORT"]);
    // Nothing listens: neither the API (so no health check can pass) nor an emulator.
    for (const p of [port, cognitoPort]) await expect(fetch(`http://127.0.0.1:${p}/healthz`)).rejects.toThrow();
  });

  it("with every setting starts against cognito-local as the AWS endpoint, real Redis and PostgreSQL, with no child process", async () => {
    const cognito = testCognito();
    const database = `authgw_prod_${randomUUID().replace(/-/g, "")}`;
    const prefix = `authgw-prod:${randomUUID()}:`;
    const admin = new Client({ connectionString: adminDb });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const port = await freePort();
    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env["PATH"],
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        ...standInProductionEnv(cognito, prefix, database),
        TRUST_PROXY_HOPS: "0",
        EMERGENCY_ACCESS: "off",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    try {
      for (let i = 0; i < 300 && child.exitCode === null && !output.includes("gateway listening"); i++) await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain("gateway listening");
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      expect(childrenOf(child.pid!)).toEqual([]);
      expect(output).not.toContain("DEV MODE");
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
      const redis = new Redis("redis://127.0.0.1:6379");
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });
});

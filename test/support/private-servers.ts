import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { Client } from "pg";
import { freePort, waitFor } from "./gateway-process";

/**
 * A redis-server of the test's own (never the shared one): it can be wiped, snapshotted, killed and started
 * again from the same directory. No persistence unless the test asks for it (SAVE writes dump.rdb).
 */
export const startPrivateRedis = async () => {
  const dir = mkdtempSync(join(tmpdir(), "private-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const admin = () => new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--dbfilename", "dump.rdb"], { stdio: "ignore" });
    await waitFor(async () => {
      const probe = admin();
      try {
        await probe.connect();
        return (await probe.ping()) === "PONG";
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    }, "the private redis-server answers");
  };
  const command = async (...args: string[]): Promise<unknown> => {
    const client = admin();
    try {
      await client.connect();
      return await client.call(args[0]!, ...args.slice(1));
    } finally {
      client.disconnect();
    }
  };
  /** Dies without saving (SIGKILL): what is not in dump.rdb is gone. */
  const kill = async () => {
    const dying = child;
    if (dying?.exitCode !== null) return;
    const exited = new Promise((resolve) => dying.once("exit", resolve));
    dying.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    dir,
    start,
    kill,
    command,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const pgBin = (name: string) => join("/usr/lib/postgresql/15/bin", name);
const asPostgres = (args: string[]) => (process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", ...args]] : [args[0]!, args.slice(1)]) as [string, string[]];

/**
 * A PostgreSQL cluster of the test's own (initdb in a temp directory), so a test may kill it and terminate its
 * backends without touching the shared server.
 */
export const startPrivatePostgres = async () => {
  const dir = mkdtempSync(join(tmpdir(), "private-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const port = await freePort();
  const run = (args: string[]) => {
    const [cmd, rest] = asPostgres(args);
    execFileSync(cmd, rest, { stdio: "ignore" });
  };
  run([pgBin("initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
  const start = async () => {
    run([pgBin("pg_ctl"), "-D", data, "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "-l", join(dir, "log"), "-w", "start"]);
  };
  /** Immediate shutdown: every connection is cut, as by a crash. */
  const kill = async () => run([pgBin("pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]);
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const query = async (sql: string): Promise<unknown[]> => {
    const client = new Client({ connectionString: url });
    client.on("error", () => undefined);
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    url,
    start,
    kill,
    query,
    stop: async () => {
      await kill().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childArgs, isOurCognitoLocal } from "../../src/dev/local-cognito";
import { reclaimPidFile, type PidRecord } from "../../src/dev/pid-file";
import { freePort, portIsFree, processTestTimeoutMs, startGatewayProcess, waitFor, type GatewayProcess } from "../support/gateway-process";

/** Dev mode's own cognito-local, against real signals: it must never be left holding its port. */
describe("dev mode's cognito-local child process", () => {
  jest.setTimeout(processTestTimeoutMs);
  let dir: string;
  let env: Record<string, string>;
  let cognitoPort: number;
  const started: (GatewayProcess | ChildProcess)[] = [];
  const pidFile = () => join(dir, ".cognito", "cognito-local.pid");
  const readPidFile = () => JSON.parse(readFileSync(pidFile(), "utf8")) as PidRecord;
  const start = async (overrides: Record<string, string> = {}) => {
    const gateway = await startGatewayProcess({ ...env, ...overrides });
    started.push(gateway);
    return gateway;
  };
  /** A pid that surely names no process: one that has just exited. */
  const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "authgw-devproc-"));
    mkdirSync(join(dir, ".cognito"));
    cognitoPort = await freePort();
    env = { PORT: String(await freePort()), LOCAL_COGNITO_PORT: String(cognitoPort), LOCAL_COGNITO_DIR: dir, AUDIT_LOG_FILE: join(dir, "audit.jsonl") };
  });
  afterEach(async () => {
    for (const proc of started.splice(0)) {
      if ("stop" in proc) await proc.stop();
      else if (proc.exitCode === null && proc.signalCode === null) {
        const gone = new Promise((resolve) => proc.once("exit", resolve));
        proc.kill("SIGKILL");
        await gone;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("dies with a SIGKILLed gateway, so the next start on the same ports succeeds", async () => {
    const first = await start();
    const cognitoPid = readPidFile().pid;
    expect(await portIsFree(cognitoPort)).toBe(false);

    first.child.kill("SIGKILL");
    await first.exited;
    await waitFor(() => portIsFree(cognitoPort), "cognito-local has released its port", 30_000);

    const second = await start();
    expect((await fetch(`${second.origin}/readyz`)).status).toBe(200);
    // The child went by itself: the second start found nothing to clean up.
    expect(second.logLine("DEV MODE")?.["stoppedOrphan"]).toBeUndefined();
    expect(readPidFile().pid).not.toBe(cognitoPid);
  });

  it("stops a cognito-local an earlier run left behind on its data directory, found through the pid file", async () => {
    // An orphan whose parent watch cannot fire (no IPC channel): what a crash of an older gateway left.
    const orphan = spawn(process.execPath, childArgs(dir), { cwd: dir, env: { PATH: process.env["PATH"], PORT: String(cognitoPort), HOST: "127.0.0.1" }, stdio: "ignore" });
    started.push(orphan);
    const orphanExit = new Promise<NodeJS.Signals | null>((resolve) => orphan.once("exit", (_code, signal) => resolve(signal)));
    await waitFor(async () => !(await portIsFree(cognitoPort)), "the orphan listens", 60_000);
    writeFileSync(pidFile(), JSON.stringify({ pid: orphan.pid, parentPid: deadPid(), port: cognitoPort }));

    const gateway = await start();
    expect(await orphanExit).toBe("SIGTERM");
    expect(gateway.logLine("DEV MODE")?.["stoppedOrphan"]).toBe(orphan.pid);
    expect((await fetch(`${gateway.origin}/readyz`)).status).toBe(200);
  });

  it("never signals a process the pid file names that is not our cognito-local, and drops the file", async () => {
    const unrelated = spawn(process.execPath, ["-e", "setInterval(() => {}, 60_000)"], { stdio: "ignore" });
    started.push(unrelated);
    writeFileSync(pidFile(), JSON.stringify({ pid: unrelated.pid, parentPid: deadPid(), port: cognitoPort }));

    await expect(reclaimPidFile(pidFile(), isOurCognitoLocal(dir))).resolves.toEqual({ stoppedOrphan: undefined });
    expect(unrelated.exitCode).toBeNull();
    expect(unrelated.signalCode).toBeNull();
    expect(() => process.kill(unrelated.pid!, 0)).not.toThrow();
    expect(() => readFileSync(pidFile())).toThrow(/ENOENT/);
  });

  it("refuses a data directory whose cognito-local a running gateway still uses, and leaves that one alone", async () => {
    const first = await start();
    await expect(start({ PORT: String(await freePort()), LOCAL_COGNITO_PORT: String(await freePort()) })).rejects.toThrow(
      `the cognito-local data directory is in use by a running gateway (pid ${first.child.pid}); set LOCAL_COGNITO_URL=http://127.0.0.1:${cognitoPort}`,
    );
    expect((await fetch(`${first.origin}/readyz`)).status).toBe(200);
  });

  it("treats an unreadable pid file as stale", async () => {
    writeFileSync(pidFile(), "not json");
    await expect(reclaimPidFile(pidFile(), () => true)).resolves.toEqual({ stoppedOrphan: undefined });
    expect(() => readFileSync(pidFile())).toThrow(/ENOENT/);
  });
});

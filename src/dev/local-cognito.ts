import { spawn, type ChildProcess } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { reclaimPidFile, removePidFile, writePidFile } from "./pid-file";

export type LocalCognitoOptions = {
  port: number;
  /** cognito-local keeps its data in `<dir>/.cognito`. */
  dir: string;
  /** Fixed value for every confirmation/reset code; undefined = random codes. */
  code: string | undefined;
  /**
   * SPKI PEMs of the gateway's custom-auth key: the patched CUSTOM_AUTH stand-in (patches/) verifies the
   * gateway's signed answer with them, as the pool's triggers do on AWS. Empty: every custom-auth answer is refused.
   */
  customAuthPublicKeys?: readonly string[] | undefined;
  /**
   * Tests only: exposes the patched TOTP clock control (`POST /_test/totp-clock`, patches/), which shifts the
   * emulator's TOTP clock for one secret so a test never waits for the next 30 s step. Dev mode never sets it.
   */
  totpClockControl?: boolean;
  /**
   * Tests only: the pool file is saved at most once a second instead of after every call (patches/). The
   * emulator keeps its pools in memory, and serialising an ever larger pool on every call slowed each
   * call as a test run created users. A crash loses the last second of writes. Dev mode never sets it.
   */
  deferSaves?: boolean;
  /** Called for every code cognito-local "delivers" (the dev mail catcher). */
  onCodeDelivered?: (delivery: { destination: string; code: string }) => void;
  startTimeoutMs?: number;
};

export type LocalCognito = {
  endpoint: string;
  port: number;
  /** The child's pid (tests stop and continue it to stall the provider). */
  pid: number | undefined;
  /** The pid of a cognito-local an earlier gateway left running on this data directory, stopped before this one started. */
  stoppedOrphan: number | undefined;
  stop(): Promise<void>;
};

/** How to get the emulator when it is missing (a production install, `npm ci --omit=dev`). */
export const cognitoLocalMissing =
  "Dev mode needs cognito-local, a dev dependency that is not installed here (a production install?). Run `npm install` (or `npm ci`) without --omit=dev, or run in production mode (GATEWAY_MODE=production, docs/production.md).";

/** cognito-local's entry, resolved only when dev mode starts it: production installs do not have it. */
const cognitoLocalEntry = (): string => {
  try {
    return require.resolve("cognito-local/lib/bin/start.js");
  } catch {
    throw new Error(cognitoLocalMissing);
  }
};

/**
 * The child's program: cognito-local in a process that exits as soon as its IPC channel to the gateway
 * closes. The kernel closes it however the gateway ends, SIGKILL included, so cognito-local cannot be
 * orphaned on its port. Inline, so the same code runs from dist/ and from ts-jest.
 */
const exitWithParent = 'process.on("disconnect", () => process.exit(0)); require(process.argv[1]);';

/** argv of our cognito-local (after the node binary): the data directory rides along only to recognise the process later. */
export const childArgs = (dir: string) => ["-e", exitWithParent, cognitoLocalEntry(), dir];

/** Whether a command line is the cognito-local this module starts on `dir` (so a reused pid is never signalled). */
export const isOurCognitoLocal = (dir: string) => (argv: string[]) => argv.includes(exitWithParent) && argv.includes(cognitoLocalEntry()) && argv.includes(dir);

const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");

/** Picks "Destination: …" and "Code: …" out of cognito-local's boxed delivery message. */
const watchDeliveries = (child: ChildProcess, onCode: NonNullable<LocalCognitoOptions["onCodeDelivered"]>) => {
  let buffer = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer = (buffer + stripAnsi(chunk.toString("utf8"))).slice(-8192);
    let start: number;
    while ((start = buffer.indexOf("Confirmation Code Delivery")) !== -1) {
      const box = buffer.slice(start);
      const end = box.indexOf("╰");
      if (end === -1) return;
      const destination = /Destination:\s+(\S+)/.exec(box.slice(0, end))?.[1];
      const code = /Code:\s+(\S+)/.exec(box.slice(0, end))?.[1];
      if (destination && code) onCode({ destination, code });
      buffer = box.slice(end + 1);
    }
  });
};

/** Resolves when this child (not some other process on the port) says it is listening. */
const waitUntilListening = (child: ChildProcess, port: number, timeoutMs: number): Promise<void> =>
  new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => finish(new Error(`cognito-local did not start within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen = (seen + stripAnsi(chunk.toString("utf8"))).slice(-4096);
      if (seen.includes("Cognito Local running on")) finish();
    };
    const onExit = (code: number | null) =>
      finish(new Error(`cognito-local exited (code ${code ?? "?"}); is port ${port} (LOCAL_COGNITO_PORT) already in use?`));
    const finish = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve();
    };
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });

/**
 * Starts cognito-local as a child process (it is ESM-heavy and keeps global state, so it does not run
 * inside the gateway's process). Dev and tests only: its signing key is public.
 */
export const startLocalCognito = async (options: LocalCognitoOptions): Promise<LocalCognito> => {
  const dir = resolve(options.dir);
  // First, so a production install says how to get cognito-local before anything is created.
  const args = childArgs(dir);
  await mkdir(join(dir, ".cognito"), { recursive: true });
  // Second line of defence (the first is exitWithParent): a cognito-local an earlier run left behind.
  const pidFile = join(dir, ".cognito", "cognito-local.pid");
  const { stoppedOrphan } = await reclaimPidFile(pidFile, isOurCognitoLocal(dir));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"],
    PORT: String(options.port),
    HOST: "127.0.0.1",
    ...(options.code ? { CODE: options.code } : {}),
    ...(options.customAuthPublicKeys?.length ? { CUSTOM_AUTH_PUBLIC_KEYS: JSON.stringify(options.customAuthPublicKeys) } : {}),
    ...(options.totpClockControl ? { TOTP_CLOCK_CONTROL: "1" } : {}),
    ...(options.deferSaves ? { COGNITO_LOCAL_DEFER_SAVES: "1" } : {}),
  };
  const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe", "ipc"] });
  // The channel is only a lifeline for the child; it must not keep the gateway's event loop alive.
  child.channel?.unref();
  const pid = child.pid;
  if (pid !== undefined) writePidFile(pidFile, { pid, parentPid: process.pid, port: options.port });
  // Never outlive the gateway, however it exits.
  const killChild = () => child.kill("SIGTERM");
  process.once("exit", killChild);
  child.once("exit", () => {
    process.removeListener("exit", killChild);
    if (pid !== undefined) void removePidFile(pidFile, pid).catch(() => {});
  });
  if (options.onCodeDelivered) watchDeliveries(child, options.onCodeDelivered);
  child.stdout?.resume();
  child.stderr?.resume();
  const endpoint = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntilListening(child, options.port, options.startTimeoutMs ?? 15_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    endpoint,
    port: options.port,
    pid: child.pid,
    stoppedOrphan,
    stop: async () => {
      await new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      });
      if (pid !== undefined) await removePidFile(pidFile, pid);
    },
  };
};

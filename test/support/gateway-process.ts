import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The built binary, as `npm start` runs it (`npm test` builds first). */
export const gatewayMain = join(__dirname, "../../dist/main.js");

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Whether nothing listens on the port: binding it is the only question a next start asks. */
export const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });

/** Polls until the condition holds; fails with `what` after the deadline (a bound, not a sleep). */
export const waitFor = async (condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** jest timeout for a test (or hook) that starts gateway processes. */
export const processTestTimeoutMs = 300_000;

export type GatewayProcess = {
  child: ChildProcess;
  url: string;
  origin: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Fields of its JSON log line whose message contains `text`. */
  logLine(text: string): Record<string, unknown> | undefined;
  exited: Promise<number | null>;
  /** SIGTERM, then waits for the exit (SIGKILL if it is still running after the test's patience). */
  stop(): Promise<void>;
};

/**
 * Starts `node dist/main.js` with these settings and resolves once it logs "gateway listening". The
 * deadline is generous: on a shared two-core machine a start has taken over 20 s. Tests that start
 * these need a jest timeout to match (processTestTimeoutMs).
 */
export const startGatewayProcess = async (env: Record<string, string>, timeoutMs = 120_000): Promise<GatewayProcess> => {
  const port = env["PORT"];
  if (!port) throw new Error("give the gateway process a PORT (a free one)");
  const child = spawn(process.execPath, [gatewayMain], {
    // Each process its own audit spool (the default is a file in the working directory, this checkout's root).
    env: { PATH: process.env["PATH"], AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", AUDIT_SPOOL_FILE: join(mkdtempSync(join(tmpdir(), "gw-spool-")), "audit-spool.jsonl"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const append = (chunk: Buffer) => (output += chunk.toString("utf8"));
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  // A test that times out must not leave a gateway running after its worker has gone.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      process.removeListener("exit", killOnExit);
      resolve(code);
    }),
  );
  const logLine = (text: string) => {
    const line = output.split("\n").find((l) => l.startsWith("{") && l.includes(text));
    return line ? (JSON.parse(line) as Record<string, unknown>) : undefined;
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitFor(() => output.includes("gateway listening") || child.exitCode !== null, "the gateway listens", timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  if (!output.includes("gateway listening")) throw new Error(`the gateway exited (code ${child.exitCode}) before listening:\n${output.slice(-2000)}`);
  const origin = `http://127.0.0.1:${port}`;
  return { child, url: `${origin}/graphql`, origin, output: () => output, logLine, exited, stop };
};

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyChain } from "../../src/audit/hash-chain";
import { freePort } from "../support/ports";


const waitForLine = (child: ChildProcess, pattern: RegExp, deadlineMs: number): Promise<void> =>
  new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`no "${pattern}" within ${deadlineMs} ms: ${seen.slice(-500)}`)), deadlineMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });

const exitOf = (child: ChildProcess, deadlineMs: number): Promise<number | null> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not exit within ${deadlineMs} ms`)), deadlineMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });

/** Row 4 of the faults issue: SIGTERM under keep-alive load drains and exits 0 with the audit log flushed. */
describe("SIGTERM under keep-alive load (the built gateway, as `npm start` runs it)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "drain-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("stops accepting, closes keep-alive connections, finishes in flight, flushes and exits 0", async () => {
    const port = await freePort();
    const auditFile = join(dir, "audit.jsonl");
    const env = { ...process.env, PORT: String(port), LOCAL_COGNITO_PORT: String(await freePort()), LOCAL_COGNITO_DIR: dir, AUDIT_LOG_FILE: auditFile, LOG_LEVEL: "info", RATE_LIMIT_IP_PER_MINUTE: "0", RATE_LIMIT_ACCOUNT_PER_MINUTE: "0", PLAYGROUND: "off" };
    const child = spawn(process.execPath, [join(__dirname, "../../dist/main.js")], { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stderr?.resume();
    await waitForLine(child, /gateway listening/, 30_000);
    const url = `http://127.0.0.1:${port}/graphql`;
    let stopped = false;
    let signalled = false;
    let answered = 0;
    let warmedUp: () => void = () => undefined;
    let afterSignal = 0;
    let closeHeaders = 0;
    const worker = async (n: number) => {
      while (!stopped) {
        const body = n % 2 ? { query: "{ passwordPolicy { minLength } }" } : { query: 'mutation { login(email: "nobody@example.test", password: "Wrong-Passw0rd-!!") { tokens { accessToken } } }' };
        try {
          const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
          await response.text();
          answered += 1;
          if (answered === 200) warmedUp();
          if (signalled) afterSignal += 1;
          if (signalled && response.headers.get("connection") === "close") closeHeaders += 1;
        } catch {
          // Refused once the server stopped accepting: this worker is done.
          if (signalled) return;
        }
      }
    };
    const loaded = new Promise<void>((resolve) => (warmedUp = resolve));
    const workers = Array.from({ length: 8 }, (_, n) => worker(n));
    // Signal once the keep-alive connections are busy (200 answers), not after a fixed time.
    await loaded;
    const exit = exitOf(child, 15_000);
    signalled = true;
    child.kill("SIGTERM");
    const code = await exit;
    stopped = true;
    await Promise.all(workers);
    process.stdout.write(`drain: ${afterSignal} responses after SIGTERM (${closeHeaders} with Connection: close), exit code ${code}\n`);
    expect(code).toBe(0);
    expect(afterSignal).toBeLessThan(100);
    const chain = await verifyChain(auditFile);
    expect(chain).toMatchObject({ ok: true });
  }, 60_000);
});

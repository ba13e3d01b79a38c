import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../support/ports";

const root = join(__dirname, "../..");
const main = join(root, "dist/main.js");


const portIsOpen = (port: number): Promise<boolean> =>
  fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) }).then(
    () => true,
    () => false,
  );

/** The built binary, as `npm start` runs it (`npm test` builds first). */
describe("the gateway process", () => {
  it("stops at start-up with one line naming a bad variable", () => {
    const result = spawnSync(process.execPath, [main], { env: { PATH: process.env["PATH"], COGNITO_USER_POOL_ID: "eu-west-1_Abc", AWS_REGION: "eu-west-1" }, encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe("Invalid configuration: COGNITO_CLIENT_ID is required when COGNITO_USER_POOL_ID is set.");
  });

  it("prints the configuration reference for --help, and starts nothing", () => {
    const result = spawnSync(process.execPath, [main, "--help"], { env: { PATH: process.env["PATH"] }, encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm start/);
    expect(result.stdout).toMatch(/LOCKOUT_THRESHOLD\s+Consecutive failed logins .* \(default: 5\)/);
  });

  it("starts in dev mode with its own cognito-local, serves, and takes it down on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "authgw-start-"));
    const [port, cognitoPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [main], {
      env: { PATH: process.env["PATH"], PORT: String(port), LOCAL_COGNITO_PORT: String(cognitoPort), LOCAL_COGNITO_DIR: dir, AUDIT_LOG_FILE: join(dir, "audit.jsonl") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    try {
      const deadline = Date.now() + 90_000;
      while (!output.includes("gateway listening") && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain("NON-PRODUCTION Cognito");
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await portIsOpen(cognitoPort)).toBe(true);

      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(await portIsOpen(cognitoPort)).toBe(false);
    } finally {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

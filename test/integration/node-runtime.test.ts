import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import argon2 from "argon2";
import { freePort } from "../support/ports";

const root = join(__dirname, "../..");
const major = (version: string) => Number(version.replace(/^v/, "").split(".")[0]);

/** A PATH on which the machine's own Node (20 on the CI machine) comes before anything npm adds. */
const systemFirstPath = ["/usr/local/bin", "/usr/bin", "/bin", process.env["PATH"] ?? ""].join(":");

/** Every process below `pid`, with the executable it runs (Linux /proc; the CI machine is Linux). */
const descendants = (pid: number): { pid: number; exe: string }[] => {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number),
  );
  return children.flatMap((child) => {
    let exe = "";
    try {
      exe = readlinkSync(`/proc/${child}/exe`);
    } catch {
      return [];
    }
    return [{ pid: child, exe }, ...descendants(child)];
  });
};

describe("the Node runtime", () => {
  it("is a maintained LTS (22 or later) for the tests themselves", () => {
    expect(major(process.version)).toBeGreaterThanOrEqual(22);
  });

  it("is the one npm scripts run, even when the machine's own Node comes first on PATH", () => {
    const result = spawnSync("npm", ["run", "--silent", "node:version"], { cwd: root, env: { ...process.env, PATH: systemFirstPath }, encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(major(result.stdout.trim())).toBeGreaterThanOrEqual(22);
  });

  it("loads the native argon2 addon", async () => {
    const hash = await argon2.hash("not-a-real-password");
    expect(await argon2.verify(hash, "not-a-real-password")).toBe(true);
  });

  it("runs the gateway that `npm start` starts, and the cognito-local it spawns, on that Node", async () => {
    const dir = mkdtempSync(join(tmpdir(), "authgw-runtime-"));
    const [port, cognitoPort] = [await freePort(), await freePort()];
    // `--ignore-scripts` skips prestart (the build; `npm test` has built already), not start itself.
    const child = spawn("npm", ["start", "--ignore-scripts", "--silent"], {
      cwd: root,
      env: { PATH: systemFirstPath, HOME: process.env["HOME"], PORT: String(port), LOCAL_COGNITO_PORT: String(cognitoPort), LOCAL_COGNITO_DIR: dir, AUDIT_LOG_FILE: join(dir, "audit.jsonl"), PLAYGROUND: "off", DEV_ADMIN_EMAIL: "first-admin@example.test" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    try {
      const deadline = Date.now() + 30_000;
      while (!output.includes("gateway listening") && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      const listening = output.split("\n").find((line) => line.includes("gateway listening"));
      expect(listening).toBeDefined();
      const logged = JSON.parse(listening as string) as { node?: string };
      expect(major(logged.node ?? "v0")).toBeGreaterThanOrEqual(22);
      // DEV_ADMIN_EMAIL: the command to run is printed; the email stays out of the JSON log lines.
      expect(output).toContain("[dev admin]   npm run admin -- grant first-admin@example.test admin\n");
      expect(output.split("\n").filter((l) => l.startsWith("{") && l.includes("first-admin@"))).toEqual([]);

      const nodes = descendants(child.pid as number).filter((p) => p.exe.includes("node"));
      // The gateway and cognito-local: both on the node from node_modules, none on /usr/bin/node.
      expect(nodes.length).toBeGreaterThanOrEqual(2);
      expect(new Set(nodes.map((p) => p.exe))).toEqual(new Set([nodes[0]?.exe]));
      expect(nodes[0]?.exe).not.toMatch(/^\/usr\/(local\/)?bin\/node$/);
      const version = spawnSync(nodes[0]?.exe as string, ["-p", "process.version"], { encoding: "utf8" }).stdout.trim();
      expect(major(version)).toBeGreaterThanOrEqual(22);
    } finally {
      const exited = new Promise((r) => (child.exitCode === null ? child.once("exit", r) : r(undefined)));
      process.kill(-(child.pid as number), "SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

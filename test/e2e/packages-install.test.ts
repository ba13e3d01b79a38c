import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { freePort } from "../support/ports";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD } from "../support/users";

const root = join(__dirname, "../..");
const run = promisify(execFile);
/** The project's Node (node_modules/.bin) first, as npm scripts have it. */
const env = { ...process.env, PATH: `${join(root, "node_modules/.bin")}${delimiter}${process.env["PATH"] ?? ""}` };
const versionOf = (name: string) => (JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;

/**
 * The issue's "Done when": both packages packed with `npm pack`, installed from the tarballs into a scratch
 * project (a real install, not a workspace symlink), type-checked with tsc, then a client sign-in through the
 * real gateway to a subgraph in "reject" mode that runs from the installed subgraph package.
 */
describe("the packages as installed from their npm pack tarballs", () => {
  let dir: string;
  let subgraph: ChildProcess | undefined;
  let gw: TestGateway | undefined;
  const issuer = "auth-gateway-packages";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "scratch-app-"));
    const tarballs: string[] = [];
    for (const pkg of ["client", "subgraph-auth"]) {
      // Packed from the build `npm test` made (its pretest builds every workspace with the same tsdown command as
      // prepack). Not through prepack here: tsdown empties dist/ before it writes, and other test files' gateways
      // load @hipaa-auth-gateway/subgraph-auth from that dist/ at the same time.
      const built = join(root, "packages", pkg, "dist", "index.js");
      if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build (npm test does) before this file`);
      const { stdout } = await run("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", dir], { cwd: join(root, "packages", pkg), env });
      tarballs.push(join(dir, stdout.trim().split("\n").pop()!));
    }
    cpSync(join(__dirname, "scratch-app"), dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "scratch-app", private: true, type: "module" }));
    // The tarballs and their peers, as an app would install them (from the npm cache when it has them).
    const peers = ["@apollo/client", "graphql", "rxjs", "graphql-shield", "@apollo/subgraph", "@types/node"].map((name) => `${name}@${versionOf(name)}`);
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...tarballs, ...peers], { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 });
  }, 240_000);
  afterAll(async () => {
    if (subgraph?.exitCode === null) {
      const exited = new Promise((resolve) => subgraph!.once("exit", resolve));
      subgraph.kill("SIGTERM");
      await exited;
    }
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("installs real copies, not links to the workspace, with one @apollo/client", () => {
    const installed = readdirSync(join(dir, "node_modules/@hipaa-auth-gateway"), { withFileTypes: true });
    expect(installed.map((e) => [e.name, e.isSymbolicLink()])).toEqual([
      ["client", false],
      ["subgraph-auth", false],
    ]);
    expect(readdirSync(join(dir, "node_modules/@hipaa-auth-gateway/client"))).not.toContain("node_modules");
  });

  it.each(["client", "subgraph-auth"])("%s passes publint --strict (exports, types, files)", async (pkg) => {
    const { stdout } = await run(join(root, "node_modules/.bin/publint"), ["--strict", "--pack", "false"], { cwd: join(root, "packages", pkg), env });
    expect(stdout).toContain("All good!");
  });

  it("type-checks an app and a subgraph written against them (tsc, nodenext)", async () => {
    // tsc prints its errors on stdout: show them when it fails.
    const failure = await run(join(root, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], { cwd: dir, env }).then(() => "", (error: unknown) => (error as { stdout?: string }).stdout ?? "tsc failed");
    expect(failure).toBe("");
  }, 120_000);

  it("loads from CommonJS too", async () => {
    const { stdout } = await run("node", ["require-check.cjs"], { cwd: dir, env });
    expect(JSON.parse(stdout)).toEqual(["function", "function", "function", "object"]);
  });

  it("signs in with the client and reads a reject-mode subgraph through the real gateway", async () => {
    const port = await freePort();
    subgraph = spawn("node", [join(dir, "out/subgraph.mjs")], { cwd: dir, env: { ...env, GATEWAY_JWKS_URI: `http://127.0.0.1:${port}/.well-known/jwks.json`, GATEWAY_ISSUER: issuer }, stdio: ["ignore", "pipe", "inherit"] });
    const subgraphPort = await new Promise<number>((resolve, reject) => {
      subgraph!.once("exit", (code) => reject(new Error(`the scratch subgraph exited (${code})`)));
      createInterface({ input: subgraph!.stdout! }).once("line", (line) => resolve((JSON.parse(line) as { port: number }).port));
    });
    // Composition asks the reject-mode subgraph `_service { sdl }` at start-up.
    gw = await startTestGateway({ settings: { port, subgraphs: [{ name: "notes", url: `http://127.0.0.1:${subgraphPort}/graphql` }], federation: { issuer, signingKeyFiles: [] } } });
    const user = await enrolledUser(gw);
    const { stdout } = await run("node", [join(dir, "out/client.mjs")], {
      cwd: dir,
      env: { ...env, GATEWAY_URL: gw.url.replace("localhost", "127.0.0.1"), USER_EMAIL: user.email, USER_PASSWORD: PASSWORD, TOTP_CODE: await freshCode(user.secret) },
    });
    const answer = JSON.parse(stdout) as { steps: string[]; me: string; whoami: string };
    expect(answer.steps).toEqual(["SOFTWARE_TOKEN_MFA"]);
    expect(answer.whoami).toBe(answer.me);
    expect(answer.me).toMatch(/\S/);
  }, 120_000);
});

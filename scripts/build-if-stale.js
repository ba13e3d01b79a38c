// Runs `npm run build` only when a source is newer than the build: CLIs (npm run admin) start from the last
// build instead of rebuilding on every call.
const { spawnSync } = require("node:child_process");
const { existsSync, readdirSync, statSync } = require("node:fs");
const { join } = require("node:path");

const skipped = new Set(["node_modules", "dist", "test"]);

/** Newest modification time (ms) of the files under `dir` (recursively), 0 when there are none. */
const newestUnder = (dir) => {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skipped.has(entry.name)) continue;
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
};

/** What the build reads; `built` is the file the CLI runs. */
const isStale = (root, built) => {
  const builtPath = join(root, built);
  if (!existsSync(builtPath)) return true;
  const packages = join(root, "packages");
  const inputs = [join(root, "src"), ...(existsSync(packages) ? readdirSync(packages).map((name) => join(packages, name, "src")) : [])];
  const configs = ["package.json", "tsconfig.json", "tsconfig.build.json"].map((file) => join(root, file)).filter(existsSync);
  const newestInput = Math.max(...inputs.map(newestUnder), ...configs.map((file) => statSync(file).mtimeMs));
  return newestInput > statSync(builtPath).mtimeMs;
};

module.exports = { isStale, newestUnder };

if (require.main === module) {
  const root = join(__dirname, "..");
  const built = process.argv[2] ?? "dist/main.js";
  if (isStale(root, built)) {
    process.stderr.write("Sources changed since the last build: building first (npm run build)…\n");
    const result = spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
    process.exit(result.status ?? 1);
  }
}

// `npm test`'s checks before jest, on both cores: the type check, build and codegen on one, ESLint (its own
// TypeScript program, the longest single step) on the other. Run one after the other they took ~80 s on the
// 2-core machine; side by side, about as long as the lint alone. The build only emits (tsc --noCheck: the
// type check just ran over the same files; its output is byte-identical to a checked build).
const { spawn } = require("node:child_process");

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Runs `steps` (npm scripts) in order; resolves with the first failure's output, or null. */
const chain = async (name, steps) => {
  for (const step of steps) {
    const failure = await new Promise((resolve) => {
      const child = spawn(npm, ["run", "--silent", step], { stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      child.on("close", (code) => resolve(code === 0 ? null : `${name}: npm run ${step} failed (${code})\n${output}`));
    });
    if (failure !== null) return failure;
  }
  return null;
};

void Promise.all([chain("types", ["typecheck", "build:emit", "codegen"]), chain("lint", ["lint"])]).then((failures) => {
  const failed = failures.filter((failure) => failure !== null);
  for (const failure of failed) process.stderr.write(`${failure}\n`);
  process.exitCode = failed.length === 0 ? 0 : 1;
});

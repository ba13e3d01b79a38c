// npm's postinstall: apply patches/ (dev mode's cognito-local) when patch-package is installed. A production
// install (`npm ci --omit=dev`) has neither patch-package nor the packages it patches, so it skips with a note
// instead of failing; in a full install a patch that does not apply still fails the install.
const { spawnSync } = require("node:child_process");

let bin;
try {
  bin = require.resolve("patch-package/index.js");
} catch {
  process.stdout.write("postinstall: patch-package is not installed (production install): dev-only patches skipped\n");
  process.exit(0);
}
const result = spawnSync(process.execPath, [bin, "--error-on-fail"], { stdio: "inherit" });
process.exit(result.status ?? 1);

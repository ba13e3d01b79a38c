import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * `node dist-bench/bench/ablate.js <layer>`: a copy of this bench build without one layer of the gateway, for an
 * interleaved A/B of what that layer costs per request:
 *   HOT_BASELINE=$(node dist-bench/bench/ablate.js request-log) node dist-bench/bench/hot-path.js
 * Layers: `request-log` (the request-log plugin: the line and the metrics), `permissions` (graphql-shield's rules),
 * `other-plugins` (the HTTP-status, WWW-Authenticate, masked-error and field-suggestion plugins). The copy is
 * `dist-bench-without-<layer>` beside dist-bench (git-ignored), made by editing the compiled JS: each edit must find
 * its text, or the tool stops (a refactor moved it). Only for measuring: a gateway without these is not one to run.
 * A login's audit writes have their own switch (bench/login-ab.ts, LOGIN_ABLATE_AUDIT=1).
 */
const edits: Record<string, { file: string; from: RegExp; to: string }[]> = {
  "request-log": [{ file: "src/apollo/options.js", from: /\.\.\.\(options\.logRequests \? \[\(0, request_logger_1\.requestLogger\)\(deps\.logger, deps\.metrics\)\] : \[\]\),/, to: "" }],
  permissions: [{ file: "src/server.js", from: /\(api\.schema, \(0, permissions_1\.createPermissions\)\(api\.permissions, subgraph\), /, to: "(api.schema, " }],
  "other-plugins": [
    { file: "src/apollo/options.js", from: /\(0, unexpected_error_logger_1\.unexpectedErrorLogger\)\(deps\.logger, options\.isExpectedError\),/, to: "" },
    { file: "src/apollo/options.js", from: /\.\.\.\(options\.logRequests \? \[\(0, http_status_1\.httpStatusPlugin\)\(\)\] : \[\]\),/, to: "" },
    { file: "src/apollo/options.js", from: /\(0, www_authenticate_1\.wwwAuthenticatePlugin\)\(\),/, to: "" },
    { file: "src/apollo/options.js", from: /\.\.\.armor\.plugins,/, to: "" },
  ],
};

const layer = process.argv[2] ?? "";
const chosen = edits[layer];
if (chosen === undefined) {
  process.stderr.write(`usage: ablate.js <${Object.keys(edits).join("|")}>\n`);
  process.exit(2);
}
const build = join(__dirname, "..");
const copy = join(build, "..", `dist-bench-without-${layer}`);
rmSync(copy, { recursive: true, force: true });
cpSync(build, copy, { recursive: true });
for (const { file, from, to } of chosen) {
  const path = join(copy, file);
  const text = readFileSync(path, "utf8");
  if (!from.test(text)) throw new Error(`ablate ${layer}: ${file} no longer has ${String(from)}`);
  writeFileSync(path, text.replace(from, to));
}
process.stdout.write(`${copy}\n`);

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const logger = join(__dirname, "../../dist/shared/logger.js");

/** The server's log is buffered (src/shared/logger.ts): whatever still waits when the process exits is written then. */
it.each([
  ["process.exit", "process.exit(3)"],
  ["an uncaught exception", "setImmediate(() => { throw new Error('crash'); })"],
])("lines still waiting reach the log when the process exits by %s", (_how, exit) => {
  const dir = mkdtempSync(join(tmpdir(), "authgw-log-exit-"));
  try {
    const file = join(dir, "gateway.log");
    const script = `const { bufferedLogDestination, createLogger } = require(${JSON.stringify(logger)});
      const log = createLogger("info", bufferedLogDestination(${JSON.stringify(file)}, 600000));
      log.info({ requestId: "last-words", input: { password: "hunter2" } }, "graphql request");
      ${exit}`;
    const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(result.status).not.toBe(0);
    const written = readFileSync(file, "utf8");
    expect(written).toContain('"requestId":"last-words"');
    expect(written).not.toContain("hunter2");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bufferedLogDestination, createLogger } from "../../../src/shared/logger";

const linesIn = (file: string) => readFileSync(file, "utf8").split("\n").filter(Boolean);

const eventually = async (condition: () => boolean) => {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe("the server's buffered log stream", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "authgw-log-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("holds a few lines back, and writes at once when 4 kB wait, still redacted", () => {
    const file = join(dir, "busy.log");
    // A flush interval no test run reaches: what is written here is written by the 4 kB threshold alone.
    const logger = createLogger("info", bufferedLogDestination(file, 600_000));
    logger.info({ requestId: "r1" }, "graphql request");
    logger.info({ requestId: "r2" }, "graphql request");
    // Not one write per line: nothing reached the file yet.
    expect(linesIn(file)).toEqual([]);
    for (let i = 3; i <= 40; i++) logger.info({ requestId: `r${i}`, input: { password: "hunter2-secret" } }, "graphql request");
    const written = linesIn(file);
    expect(written.length).toBeGreaterThan(2);
    expect((JSON.parse(written[0]!) as { requestId: string }).requestId).toBe("r1");
    expect(written.join("\n")).not.toContain("hunter2-secret");
  });

  it("writes what waits on its periodic flush", async () => {
    const file = join(dir, "quiet.log");
    const logger = createLogger("info", bufferedLogDestination(file, 50));
    logger.info({ requestId: "r1" }, "graphql request");
    logger.info({ requestId: "r2" }, "graphql request");
    await eventually(() => linesIn(file).length === 2);
    expect(linesIn(file).map((line) => (JSON.parse(line) as { requestId: string }).requestId)).toEqual(["r1", "r2"]);
  });

  it("writes a warning or an error at once, with the lines that waited before it", () => {
    const file = join(dir, "urgent.log");
    const logger = createLogger("info", bufferedLogDestination(file, 600_000));
    logger.info({ requestId: "r1" }, "graphql request");
    expect(linesIn(file)).toEqual([]);
    logger.warn({ event: "AUDIT_WRITE_FAILED" }, "audit record not written");
    expect(linesIn(file).map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(["graphql request", "audit record not written"]);
  });
});

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

  it("holds a few lines back and writes them together, at the latest on its periodic flush", async () => {
    const file = join(dir, "gateway.log");
    const logger = createLogger("info", bufferedLogDestination(file));
    logger.info({ requestId: "r1" }, "graphql request");
    logger.info({ requestId: "r2" }, "graphql request");
    // Not one write per line: nothing reached the file yet.
    expect(linesIn(file)).toEqual([]);
    await eventually(() => linesIn(file).length === 2);
    expect(linesIn(file).map((line) => (JSON.parse(line) as { requestId: string }).requestId)).toEqual(["r1", "r2"]);
  });

  it("writes at once when 4 kB wait, and keeps redacting", () => {
    const file = join(dir, "busy.log");
    const logger = createLogger("info", bufferedLogDestination(file));
    for (let i = 0; i < 40; i++) logger.info({ requestId: `r${i}`, input: { password: "hunter2-secret" } }, "graphql request");
    const written = linesIn(file);
    expect(written.length).toBeGreaterThan(0);
    expect(written.join("\n")).not.toContain("hunter2-secret");
  });
});

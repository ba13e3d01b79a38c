import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { supportedNode, unsupportedNodeMessage } from "../../src/supported-node";

const root = join(__dirname, "../..");
/** The machine's own Node (20 on the CI machine), not the project's from node_modules/.bin. */
const systemNode = "/usr/bin/node";

describe("the entry point on an unsupported Node", () => {
  it("exits non-zero with one line naming the supported versions, not a segmentation fault", () => {
    expect(existsSync(systemNode)).toBe(true);
    const version = spawnSync(systemNode, ["-p", "process.versions.node"], { encoding: "utf8" }).stdout.trim();
    // The test is only meaningful with an old Node; on a machine without one it must say so, not pass silently.
    expect(unsupportedNodeMessage(version)).toBeDefined();
    const result = spawnSync(systemNode, [join(root, "dist/main.js")], { env: { PATH: "/usr/bin:/bin" }, encoding: "utf8" });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`needs Node\\.js ${supportedNode.major}\\.${supportedNode.minor} or later .*this is Node\\.js ${version.replace(/\./g, "\\.")}`));
  });

  it("accepts the supported lines and says the same as package.json's engines", () => {
    expect(unsupportedNodeMessage("v24.21.0")).toBeUndefined();
    expect(unsupportedNodeMessage("v22.12.0")).toBeUndefined();
    expect(unsupportedNodeMessage("v22.11.0")).toBeDefined();
    expect(unsupportedNodeMessage("v20.20.2")).toBeDefined();
    const engines = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
    expect(engines).toBe(`>=${supportedNode.major}.${supportedNode.minor}`);
  });
});

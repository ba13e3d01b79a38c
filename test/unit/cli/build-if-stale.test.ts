import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The preadmin step (plain CommonJS, run by npm before `npm run admin`).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS script, loaded as npm runs it.
const { isStale } = require("../../../scripts/build-if-stale.js") as { isStale: (root: string, built: string) => boolean };

describe("npm run admin rebuilds only when sources changed", () => {
  let root: string;
  const at = (path: string, seconds: number) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), "x");
    utimesSync(join(root, path), seconds, seconds);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "build-if-stale-"));
    at("package.json", 1000);
    at("src/cli/admin-cli.ts", 1000);
    at("packages/client/src/index.ts", 1000);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("builds when there is no build yet", () => {
    expect(isStale(root, "dist/cli/admin-cli.js")).toBe(true);
  });

  it("runs the last build when no source is newer", () => {
    at("dist/cli/admin-cli.js", 2000);
    expect(isStale(root, "dist/cli/admin-cli.js")).toBe(false);
  });

  it.each(["src/auth/deep/nested.ts", "packages/client/src/index.ts", "packages/subgraph-auth/src/index.ts", "tsconfig.json"])("builds again when %s changed after the build", (path) => {
    at("dist/cli/admin-cli.js", 2000);
    at(path, 3000);
    expect(isStale(root, "dist/cli/admin-cli.js")).toBe(true);
  });
});

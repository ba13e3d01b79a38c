import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { globsToMatcher } from "jest-util";

/**
 * Issue 25 row 5: the jest projects are chosen by folder and file name (jest.config.js), so a test file
 * someone adds lands in a project without editing the config. This fails when a file would run twice or
 * not at all, and when the inner loop (unit) would start the emulator.
 */
type Project = { displayName: string; testMatch: string[]; globalSetup?: string; setupFiles: string[] };
const root = join(__dirname, "../../..");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.config.js is CommonJS, read as jest reads it.
const config = require(join(root, "jest.config.js")) as { projects: Project[] };

const testFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === "dist" ? [] : testFiles(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });

const projectsOf = (file: string) => config.projects.filter((project) => globsToMatcher(project.testMatch)(file)).map((p) => p.displayName);

describe("jest projects", () => {
  const files = [
    ...testFiles(join(root, "test")),
    ...readdirSync(join(root, "packages")).flatMap((name) => {
      try {
        return testFiles(join(root, "packages", name, "test"));
      } catch {
        return [];
      }
    }),
  ];

  it("put every test file in exactly one project", () => {
    expect(files.length).toBeGreaterThan(50);
    const misplaced = files.map((file) => ({ file: relative(root, file), projects: projectsOf(file) })).filter((f) => f.projects.length !== 1);
    expect(misplaced).toEqual([]);
  });

  it("choose by folder and name: unit, browser (*-browser), slow (*.slow), integration, and a catch-all", () => {
    const at = (path: string) => projectsOf(join(root, path));
    expect(at("test/unit/some/new-thing.test.ts")).toEqual(["unit"]);
    expect(at("packages/new-package/test/x.test.ts")).toEqual(["unit"]);
    expect(at("test/attack/new.attack.test.ts")).toEqual(["integration"]);
    expect(at("test/integration/deeper/folder/x.test.ts")).toEqual(["integration"]);
    expect(at("test/e2e/new-browser.test.ts")).toEqual(["browser"]);
    expect(at("test/attack/new-timing.attack.slow.test.ts")).toEqual(["slow"]);
    expect(at("test/unit/timing.slow.test.ts")).toEqual(["slow"]);
    expect(at("test/somewhere-new/x.test.ts")).toEqual(["other"]);
  });

  it("start cognito-local from one shared global setup, never for the unit project", () => {
    const byName = Object.fromEntries(config.projects.map((p) => [p.displayName, p]));
    expect(byName["unit"]?.globalSetup).toBeUndefined();
    expect(byName["unit"]?.setupFiles.some((f) => f.endsWith("unit-env.ts"))).toBe(true);
    const setups = new Set(config.projects.filter((p) => p.displayName !== "unit").map((p) => p.globalSetup));
    expect([...setups]).toEqual(["<rootDir>/test/setup/global-setup.ts"]);
  });

  it("npm test runs every project and npm run test:unit only the unit one", () => {
    const scripts = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts["test"]).toBe("jest");
    expect(scripts["test:unit"]).toBe("jest --selectProjects unit");
  });
});

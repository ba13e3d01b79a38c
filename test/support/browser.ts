import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";

/** The one Chromium lookup, shared with .ci/run (which installs Debian's chromium when it finds nothing). */
export const chromiumLookup = join(__dirname, "../../.ci/find-chromium");

/** The path .ci/find-chromium prints, or undefined when it finds no Chromium. */
export const findChromium = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  try {
    return execFileSync(chromiumLookup, { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
  } catch {
    return undefined;
  }
};

/** Whether this run is CI (`CI=true`, or any value but "false"/"0", as CI services set it). */
export const isCi = (env: NodeJS.ProcessEnv = process.env): boolean => Boolean(env["CI"]) && env["CI"] !== "false" && env["CI"] !== "0";

/** What a browser suite does: run; fail (CI without a browser: never a silent pass); skip (outside CI only, saying so). */
export const browserSuitePlan = (chromium: string | undefined, ci: boolean): "run" | "fail" | "skip" => (chromium ? "run" : ci ? "fail" : "skip");

export const chromiumPath = findChromium();

/**
 * `describe` for a suite that needs Chromium. Without one it fails under CI (a test that says why) and is
 * skipped elsewhere, with a line on stdout instead of passing silently.
 */
export const describeWithBrowser = (what: string): ((name: string, body: () => void) => void) => {
  const plan = browserSuitePlan(chromiumPath, isCi());
  if (plan === "run") return describe;
  const missing = `${what} browser test: .ci/find-chromium found no Chromium (install Debian's chromium or set CHROMIUM_PATH)`;
  if (plan === "fail")
    return (name) =>
      describe(name, () => {
        it("has a Chromium to run in", () => {
          throw new Error(`${missing}; under CI a missing browser fails the run`);
        });
      });
  process.stdout.write(`${missing}: skipped (outside CI only)\n`);
  return describe.skip;
};

/** Screenshots of each run go to test-output/ (git-ignored); test/e2e/screenshots/ keeps reviewed ones. */
const outputDir = join(__dirname, "../../test-output");
export const screenshot = async (page: Page, name: string): Promise<void> => {
  mkdirSync(outputDir, { recursive: true });
  await page.screenshot({ path: join(outputDir, `${name}.png`) });
};

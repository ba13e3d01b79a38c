import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";

/** Debian's Chromium (.ci/run installs it). */
export const chromiumPath = "/usr/bin/chromium";

/** `describe` where Chromium is installed; elsewhere the suite is skipped and says so instead of passing silently. */
export const describeWithBrowser = (what: string): jest.Describe => {
  if (existsSync(chromiumPath)) return describe;
  process.stdout.write(`${what} browser test skipped: ${chromiumPath} is not installed\n`);
  return describe.skip;
};

/** Screenshots of each run go to test-output/ (git-ignored); test/e2e/screenshots/ keeps reviewed ones. */
const outputDir = join(__dirname, "../../test-output");
export const screenshot = async (page: Page, name: string): Promise<void> => {
  mkdirSync(outputDir, { recursive: true });
  await page.screenshot({ path: join(outputDir, `${name}.png`) });
};

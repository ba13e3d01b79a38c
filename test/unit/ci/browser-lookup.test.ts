import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { browserSuitePlan, findChromium, isCi } from "../../support/browser";

/** Issue 25 row 6: CI and the browser tests find Chromium the same way, and CI never passes without one. */
describe("the Chromium lookup shared by .ci/run and the browser tests", () => {
  let dir: string;
  const fakeBrowser = (path: string) => {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, "#!/bin/sh\nexit 0\n");
    chmodSync(path, 0o755);
    return path;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "authgw-chromium-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("finds chromium anywhere on PATH (not only /usr/bin), then chromium-browser", () => {
    // PATH holds only the test's folders: a Chromium installed on this machine must not answer for them.
    const path = `${join(dir, "opt/bin")}:${join(dir, "usr/bin")}`;
    const elsewhere = fakeBrowser(join(dir, "opt/bin/chromium"));
    const later = fakeBrowser(join(dir, "usr/bin/chromium"));
    expect(findChromium({ PATH: path })).toBe(elsewhere);
    rmSync(elsewhere);
    expect(findChromium({ PATH: path })).toBe(later);
    rmSync(later);
    const other = fakeBrowser(join(dir, "opt/bin/chromium-browser"));
    expect(findChromium({ PATH: path })).toBe(other);
  });

  it("takes CHROMIUM_PATH as the only candidate, and finds nothing when it is not an executable", () => {
    const onPath = fakeBrowser(join(dir, "bin/chromium"));
    const chosen = fakeBrowser(join(dir, "elsewhere/my-chromium"));
    expect(findChromium({ PATH: join(dir, "bin"), CHROMIUM_PATH: chosen })).toBe(chosen);
    expect(findChromium({ PATH: join(dir, "bin"), CHROMIUM_PATH: join(dir, "missing") })).toBeUndefined();
    expect(onPath).toBeTruthy();
  });

  it("finds nothing on a PATH without a Chromium", () => {
    expect(findChromium({ PATH: join(dir, "empty") })).toBeUndefined();
  });

  it("a suite without a browser fails under CI and is skipped (saying so) only outside it", () => {
    expect(browserSuitePlan("/usr/bin/chromium", true)).toBe("run");
    expect(browserSuitePlan(undefined, true)).toBe("fail");
    expect(browserSuitePlan(undefined, false)).toBe("skip");
    expect([isCi({ CI: "true" }), isCi({ CI: "1" }), isCi({ CI: "false" }), isCi({ CI: "" }), isCi({})]).toEqual([true, true, false, false, false]);
  });

  it(".ci/run installs Chromium exactly when the same lookup fails, and runs the tests as CI", () => {
    const run = readFileSync(join(__dirname, "../../../.ci/run"), "utf8");
    expect(run).toMatch(/if ! \.ci\/find-chromium >\/dev\/null; then\n\s+apt-get update/);
    expect(run).not.toMatch(/command -v chromium/);
    expect(run).toMatch(/export CI="\$\{CI:-true\}"/);
  });
});

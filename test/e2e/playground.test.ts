import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { TEST_CODE } from "../setup/test-cognito";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { PASSWORD, freshCode, uniqueEmail } from "../support/users";

const chromiumPath = "/usr/bin/chromium";
/** Runs where Debian's chromium is installed (.ci/run installs it); says so instead of passing silently. */
const withBrowser = existsSync(chromiumPath) ? describe : describe.skip;
if (!existsSync(chromiumPath)) process.stdout.write(`playground browser test skipped: ${chromiumPath} is not installed\n`);

withBrowser("the playground in a real browser", () => {
  let gw: TestGateway;
  let browser: Browser;
  beforeAll(async () => {
    gw = await startTestGateway({ settings: { playground: true } });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it("registers, confirms, logs in, enrols TOTP from the page, runs `me` in GraphiQL, and logs out", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(String(error)));
    page.on("requestfailed", (request) => problems.push(`${request.url()} ${request.failure()?.errorText ?? ""}`));
    await page.goto(gw.url.replace("/graphql", "/"));

    const email = uniqueEmail();
    const status = page.getByTestId("status");
    await page.getByTestId("email").fill(email);
    await page.getByTestId("password").fill(PASSWORD);
    await page.getByTestId("register").click();
    await status.filter({ hasText: "Registered" }).waitFor();
    await page.getByTestId("confirm-code").fill(TEST_CODE);
    await page.getByTestId("confirm").click();
    await status.filter({ hasText: "Confirmed" }).waitFor();
    await page.getByTestId("login").click();

    const secret = (await page.getByTestId("mfa-secret").textContent()) ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(await page.getByTestId("mfa-qr").getAttribute("src")).toMatch(/^data:image\/png;base64,/);
    expect(await page.getByTestId("mfa-uri").textContent()).toContain(`secret=${secret}`);
    await page.getByTestId("mfa-code").fill(await freshCode(secret));
    await page.getByTestId("verify").click();
    await page.getByTestId("signed-in").filter({ hasText: email }).waitFor();

    // The first tab is the `me` query; GraphiQL sends it with the panel's token.
    await page.locator(".graphiql-execute-button").click();
    const response = page.locator(".graphiql-response");
    await response.filter({ hasText: '"method": "TOTP"' }).waitFor();
    expect(await response.innerText()).toContain(email);

    mkdirSync(join(__dirname, "../../test-output"), { recursive: true });
    await page.screenshot({ path: join(__dirname, "../../test-output/playground.png") });

    // Tokens live in memory only.
    const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookies: document.cookie }));
    expect(stored).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/);

    await page.getByTestId("logout").click();
    await status.filter({ hasText: "Logged out" }).waitFor();
    await page.locator(".graphiql-execute-button").click();
    await response.filter({ hasText: "UNAUTHENTICATED" }).waitFor();
    expect(problems).toEqual([]);
  });
});

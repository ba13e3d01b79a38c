import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { TEST_CODE } from "../setup/test-cognito";
import { chromiumPath, describeWithBrowser, screenshot } from "../support/browser";
import { freePort, processTestTimeoutMs, startGatewayProcess, type GatewayProcess } from "../support/gateway-process";
import { execute } from "../support/graphql-client";
import { enrolledUser, freshCode, PASSWORD } from "../support/users";

const withBrowser = describeWithBrowser("dev hosted login");

/** `npm start` (dev mode, built) as a newcomer runs it: the playground's hosted-login button, end to end. */
withBrowser("hosted login in dev mode, from the playground", () => {
  let dir: string;
  let gateway: GatewayProcess;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "dev-hosted-login-"));
    const port = await freePort();
    gateway = await startGatewayProcess({
      PORT: String(port),
      LOCAL_COGNITO_PORT: String(await freePort()),
      LOCAL_HOSTED_LOGIN_PORT: String(await freePort()),
      LOCAL_COGNITO_DIR: dir,
      LOCAL_COGNITO_CODE: TEST_CODE,
      AUDIT_LOG_FILE: join(dir, "audit.jsonl"),
    });
    origin = `http://localhost:${port}`;
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  }, processTestTimeoutMs);
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("signs a cognito-local account in with its password and TOTP code, lands on the playground with a cookie session, and signs out", async () => {
    const gw = { run: ((document: never, variables?: never, options?: never) => execute(`${origin.replace("localhost", "127.0.0.1")}/graphql`, document, variables, options)) as never };
    const user = await enrolledUser(gw);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();

    await page.goto(`${origin}/`);
    const button = page.getByTestId("hosted-login");
    await button.waitFor();
    expect(await button.textContent()).toBe("Sign in with hosted login");
    await screenshot(page, "hosted-login-dev-button");

    // The local hosted page at Cognito's /oauth2/authorize: password and authenticator code, checked at cognito-local.
    await button.click();
    await page.locator("input[name=email]").waitFor();
    expect(new URL(page.url()).pathname.startsWith("/interaction/")).toBe(true);
    await page.locator("input[name=email]").fill(user.email);
    await page.locator("input[name=password]").fill(PASSWORD);
    await page.locator("input[name=code]").fill("000000");
    await page.locator("button[type=submit]").click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toContain("not right");
    await screenshot(page, "hosted-login-dev-page");

    await page.locator("input[name=email]").fill(user.email);
    await page.locator("input[name=password]").fill(PASSWORD);
    await page.locator("input[name=code]").fill(await freshCode(user.secret));
    await Promise.all([page.waitForURL(`${origin}/`), page.locator("button[type=submit]").click()]);

    // Back on the playground: the HttpOnly cookie signs the page's requests in (the BFF flow).
    await page.getByTestId("hosted-login-user").waitFor();
    expect(await page.getByTestId("hosted-login-user").textContent()).toContain(user.email);
    const cookies = (await page.context().cookies(origin)).filter((c) => c.name === "authgw-session");
    expect(cookies).toEqual([expect.objectContaining({ httpOnly: true, sameSite: "Lax" })]);
    await screenshot(page, "hosted-login-dev-signed-in");

    // Sign out: POST /auth/logout, the local pool's /logout, back to the playground, signed out.
    const poolLogout = page.waitForResponse((r) => new URL(r.url()).pathname === "/logout");
    await page.getByTestId("hosted-logout").click();
    expect((await poolLogout).status()).toBe(302);
    await page.waitForURL(`${origin}/`);
    await page.getByTestId("hosted-login").waitFor();
    expect((await page.context().cookies(origin)).filter((c) => c.name === "authgw-session")).toEqual([]);
  }, processTestTimeoutMs);
});

import { chromium, type Browser } from "playwright-core";
import { chromiumPath, describeWithBrowser, screenshot } from "../support/browser";
import { TEST_CODE } from "../setup/test-cognito";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { PASSWORD, freshCode, uniqueEmail } from "../support/users";

const withBrowser = describeWithBrowser("playground");


/** Raw rule ids and enum names must never reach the screen. */
const rawNames = /minLength|uppercase|lowercase|notEmail|MFA_SETUP|SOFTWARE_TOKEN_MFA|Mfa Setup|PASSWORD_POLICY_VIOLATION|CODE_MISMATCH/;

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

  it("walks register → confirm → sign in → MFA setup (with a restart) → code → session card → explorer → sign out", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 }, permissions: ["clipboard-read", "clipboard-write"] });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(String(error)));
    page.on("requestfailed", (request) => problems.push(`${request.url()} ${request.failure()?.errorText ?? ""}`));
    await page.goto(gw.url.replace("/graphql", "/"));
    const panel = page.locator(".pg-panel");
    const status = page.getByTestId("status");

    // Create an account: the password rules are there before typing, errors sit under their field.
    const email = uniqueEmail();
    await page.getByTestId("tab-register").click();
    const rules = page.getByTestId("password-rules");
    await rules.filter({ hasText: "At least 12 characters" }).waitFor();
    await page.getByTestId("email").fill(email);
    await page.getByTestId("password").fill("short");
    await page.getByTestId("register").click();
    const passwordError = page.getByTestId("password-error");
    await passwordError.waitFor();
    expect(await passwordError.innerText()).toMatch(/at least 12 characters/i);
    expect(await panel.innerText()).not.toMatch(rawNames);
    await screenshot(page, "playground-after-register");
    // A guessable password with every character class: only the common-password rule stays open.
    await page.getByTestId("password").fill("P@ssw0rd1234");
    expect(await rules.locator(".pg-rules__unmet").allInnerTexts()).toEqual(["Not a common or easily guessed password"]);
    await page.getByTestId("password").fill(PASSWORD);
    // Every published rule ticks (the common-password one too), the old refusal is gone with the password it was about,
    // and the panel says what only the gateway checks, on submit.
    expect(await rules.locator(".pg-rules__unmet").count()).toBe(0);
    expect(await rules.locator(".pg-rules__met").count()).toBe(7);
    expect(await rules.locator(".pg-rules__met").filter({ hasText: "Not a common" }).count()).toBe(1);
    expect(await passwordError.count()).toBe(0);
    expect(await panel.innerText()).not.toContain("Not yet");
    expect(await page.getByTestId("rules-on-submit").innerText()).toMatch(/when you submit/i);
    await screenshot(page, "playground-after-rules");
    await page.getByTestId("register").click();
    await status.filter({ hasText: "We sent a confirmation code" }).waitFor();

    await page.getByTestId("confirm-code").fill("000000");
    await page.getByTestId("confirm").click();
    await page.getByTestId("confirm-code-error").waitFor();
    await page.getByTestId("confirm-code").fill(TEST_CODE);
    await page.getByTestId("confirm").click();
    await status.filter({ hasText: "Email confirmed" }).waitFor();

    // Sign in: the MFA setup step, then start again from it, then finish it.
    await page.getByTestId("password").fill(PASSWORD);
    await page.getByTestId("login").click();
    await page.getByTestId("step-title").filter({ hasText: "Set up your authenticator app" }).waitFor();
    const abandoned = (await page.getByTestId("mfa-secret").textContent()) ?? "";
    await page.getByTestId("start-again").click();
    await page.getByTestId("sign-in-form").waitFor();
    await page.getByTestId("password").fill(PASSWORD);
    await page.getByTestId("login").click();
    await page.getByTestId("step-title").filter({ hasText: "Set up your authenticator app" }).waitFor();

    const secret = (await page.getByTestId("mfa-secret").textContent()) ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(secret).not.toBe(abandoned);
    expect(await page.getByTestId("mfa-qr").getAttribute("src")).toMatch(/^data:image\/png;base64,/);
    expect(await page.getByTestId("mfa-uri").textContent()).toContain(`secret=${secret}`);
    // The key reads in groups of four that never break, and copies as the bare key.
    const groups = await page.getByTestId("mfa-secret").locator(".pg-secret__group").allInnerTexts();
    expect(groups.join("")).toBe(secret);
    expect(groups.slice(0, -1).every((group) => group.length === 4)).toBe(true);
    await page.getByTestId("copy-secret").click();
    await page.getByTestId("copy-secret-status").filter({ hasText: "Key copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    expect(await panel.innerText()).not.toMatch(rawNames);
    await screenshot(page, "playground-after-mfa-setup");
    await page.getByTestId("mfa-code").fill("000000");
    await page.getByTestId("verify").click();
    await page.getByTestId("mfa-code-error").filter({ hasText: "not right" }).waitFor();
    await page.getByTestId("mfa-code").fill(await freshCode(secret));
    await page.getByTestId("verify").click();

    // The session card.
    await page.getByTestId("signed-in").filter({ hasText: email }).waitFor();
    expect(await page.getByTestId("session-groups").innerText()).toContain("No groups");
    expect(await page.getByTestId("token-expiry").innerText()).toMatch(/^in \d+ min \d\d s$/);
    expect(await page.getByTestId("idle-left").innerText()).toMatch(/^in \d+ min \d\d s without activity$/);
    await page.getByTestId("claims").locator("summary").click();
    // The claims shown are the id token's: the access token is an opaque handle.
    expect(await page.getByTestId("claims").innerText()).toMatch(/sub[\s\S]*email[\s\S]*token_use[\s\S]*"id"/);

    // The explorer: the default example is `me`, sent with the panel's token.
    await page.locator(".graphiql-execute-button").click();
    const response = page.locator(".graphiql-response");
    await response.filter({ hasText: '"method": "TOTP"' }).waitFor();
    expect(await response.innerText()).toContain(email);
    await screenshot(page, "playground-after");

    // Groups of examples instead of one long tab row; picking one loads it.
    await page.getByTestId("group-admin").click();
    await page.getByTestId("examples").getByText("All users").click();
    await page.locator(".graphiql-query-editor").filter({ hasText: "users(first: 20)" }).waitFor();
    await page.locator(".graphiql-execute-button").click();
    await response.filter({ hasText: "FORBIDDEN" }).waitFor();
    // What an example runs is on screen: the audit search's filter, a subgraph's own field.
    await page.getByTestId("examples").getByText("Search the audit trail").click();
    await page.locator(".graphiql-query-editor").filter({ hasText: 'event: "LOGIN"' }).waitFor();
    await page.getByTestId("group-federation").click();
    await page.getByTestId("examples").getByText("Subgraph: my record").click();
    await page.locator(".graphiql-query-editor").filter({ hasText: "myRecord" }).waitFor();
    await screenshot(page, "playground-after-subgraph-example");
    // The last answer before signing out is about the user.
    await page.getByTestId("group-account").click();
    await page.getByTestId("examples").getByText("Who am I").click();
    await page.locator(".graphiql-query-editor").filter({ hasText: "mfaStatus" }).waitFor();
    await page.locator(".graphiql-execute-button").click();
    await response.filter({ hasText: email }).waitFor();

    // Tokens live in memory only.
    const stored = await page.evaluate(() => JSON.stringify({ local: Object.fromEntries(Object.entries(localStorage)), session: Object.fromEntries(Object.entries(sessionStorage)), cookies: document.cookie }));
    expect(stored).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/);

    await page.getByTestId("refresh").click();
    await status.filter({ hasText: "Tokens refreshed" }).waitFor();
    await page.getByTestId("logout").click();
    await status.filter({ hasText: "Signed out" }).waitFor();
    // A shared workstation: the next person must not read the last answer (sub, email, groups).
    await response.filter({ hasText: email }).waitFor({ state: "detached" });
    const explorerText = await page.locator(".pg-graphiql").innerText();
    expect(explorerText).not.toContain(email);
    expect(explorerText).not.toMatch(/"sub"|"groups"|"mfaStatus"/);
    expect(await page.getByTestId("email").inputValue()).toBe("");
    await screenshot(page, "playground-after-sign-out");
    await page.getByTestId("group-account").click();
    await page.getByTestId("examples").getByText("Who am I").click();
    await page.locator(".graphiql-query-editor").filter({ hasText: "mfaStatus" }).waitFor();
    await page.locator(".graphiql-execute-button").click();
    await response.filter({ hasText: "UNAUTHENTICATED" }).waitFor();
    expect(problems).toEqual([]);
  }, 120_000); // a long walk through real Chromium, gateway and cognito-local on a shared machine
});

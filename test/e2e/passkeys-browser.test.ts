import { chromium, type Browser, type Page } from "playwright-core";
import { chromiumPath, describeWithBrowser, screenshot } from "../support/browser";
import { freePort } from "../support/ports";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD, type EnrolledUser } from "../support/users";

const withBrowser = describeWithBrowser("passkey");


/** Enum names, error codes and browser exception names must never reach the screen. */
const rawNames = /WEBAUTHN|SOFTWARE_TOKEN_MFA|INVALID_CREDENTIALS|STEP_UP_REQUIRED|LAST_FACTOR|NotAllowedError|multiDevice|singleDevice/;

withBrowser("passkeys and recovery codes, clicked through the playground in Chromium (virtual authenticator)", () => {
  let gw: TestGateway;
  let browser: Browser;
  let origin: string;
  beforeAll(async () => {
    // The page's origin must be the gateway's WebAuthn origin, so the port is chosen before the gateway starts.
    const port = await freePort();
    origin = `http://localhost:${port}`;
    gw = await startTestGateway({ settings: { port, playground: true, webauthn: { rpId: "localhost", rpName: "Test Gateway", origins: [origin] } } });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  /** The playground in a tab whose browser has a platform authenticator that verifies the user (like Touch ID) without asking. */
  const openWithAuthenticator = async (): Promise<{ page: Page; problems: string[] }> => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(String(error)));
    page.on("requestfailed", (request) => problems.push(`${request.url()} ${request.failure()?.errorText ?? ""}`));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await page.goto(`${origin}/`);
    return { page, problems };
  };

  it("registers a passkey, signs in with it alone and after a password, removes it, and makes recovery codes that work once", async () => {
    const user: EnrolledUser = await enrolledUser(gw);
    const { page, problems } = await openWithAuthenticator();
    const panel = page.locator(".pg-panel");
    const status = page.getByTestId("status");
    const signedIn = page.getByTestId("signed-in").filter({ hasText: user.email });
    const signOut = async () => {
      await page.getByTestId("logout").click();
      await status.filter({ hasText: "Signed out" }).waitFor();
    };
    const password = async () => {
      await page.getByTestId("email").fill(user.email);
      await page.getByTestId("password").fill(PASSWORD);
      await page.getByTestId("login").click();
      await page.getByTestId("step-title").filter({ hasText: "Enter your one-time code" }).waitFor();
    };

    // Password and TOTP, as before: the signed-in panel now has a Passkeys and a Recovery codes card.
    await password();
    expect(await page.getByTestId("use-passkey").count()).toBe(0); // no passkey yet, so none offered
    await page.getByTestId("mfa-code").fill(await freshCode(user.secret));
    await page.getByTestId("verify").click();
    await signedIn.waitFor();
    await page.getByTestId("passkeys-empty").waitFor();
    await page.getByTestId("recovery-left").filter({ hasText: "no recovery codes" }).waitFor();

    // Register: a nickname is required, then the browser's create prompt (the virtual authenticator answers).
    await page.getByTestId("passkey-register").click();
    await page.getByTestId("passkey-nickname-input-error").filter({ hasText: "1 to 64 characters" }).waitFor();
    await page.getByTestId("passkey-nickname-input").fill("Virtual key");
    // Signed in a moment ago, yet the change asks: "Confirm with your authenticator" (a code, since there is no passkey yet).
    expect(await page.getByTestId("passkey-step-up").innerText()).toContain("Confirm with your authenticator");
    expect(await page.getByTestId("passkey-step-up-passkey").count()).toBe(0);
    await page.getByTestId("passkey-register").click();
    await page.getByTestId("passkey-step-up-code-error").filter({ hasText: "Confirm with your authenticator" }).waitFor();
    await page.getByTestId("passkey-step-up-code").fill(await freshCode(user.secret));
    await page.getByTestId("passkey-register").click();
    await page.getByTestId("passkeys-status").filter({ hasText: "“Virtual key” added" }).waitFor();
    const row = page.getByTestId("passkey");
    expect(await row.count()).toBe(1);
    expect(await row.getByTestId("passkey-nickname").innerText()).toBe("Virtual key");
    expect(await row.getByTestId("passkey-last-used").innerText()).toBe("never");
    expect(await row.getByTestId("passkey-sync").innerText()).toMatch(/^(Synced|This device only|Can sync, not backed up yet)$/);

    // Rename it: a name is how the owner tells passkeys apart, so this asks for a fresh factor too (the passkey itself here).
    await row.getByTestId("passkey-rename").click();
    await page.getByTestId("passkey-rename-input").fill("Laptop");
    await page.getByTestId("passkey-rename-save").click();
    await page.getByTestId("passkey-rename-step-up-code-error").filter({ hasText: "Confirm with your authenticator" }).waitFor();
    await page.getByTestId("passkey-rename-step-up-passkey").click();
    await page.getByTestId("passkeys-status").filter({ hasText: "Renamed to “Laptop”" }).waitFor();
    expect(await row.getByTestId("passkey-nickname").innerText()).toBe("Laptop");
    expect(await panel.innerText()).not.toMatch(rawNames);
    await screenshot(page, "passkeys-registered");
    await signOut();

    // Sign in with the passkey alone: no email, no password, no code.
    await screenshot(page, "passkey-sign-in");
    await page.getByTestId("passkey-login").click();
    await signedIn.waitFor();
    expect(await row.getByTestId("passkey-last-used").innerText()).not.toBe("never");
    await signOut();

    // Password first, then "Use a passkey instead" at the code step.
    await password();
    await screenshot(page, "passkey-code-step");
    await page.getByTestId("use-passkey").click();
    await signedIn.waitFor();

    // Recovery codes: ten, shown once; a second set (after a warning) replaces the first.
    // Confirmed with the passkey this time ("Use a passkey instead": the virtual authenticator answers).
    await page.getByTestId("recovery-generate").click();
    await page.getByTestId("recovery-step-up").filter({ hasText: "Confirm with your authenticator" }).waitFor();
    await page.getByTestId("recovery-step-up-passkey").click();
    const codeItems = page.getByTestId("recovery-code-list").locator("li");
    await codeItems.first().waitFor();
    const first = await codeItems.allInnerTexts();
    expect(first).toHaveLength(10);
    for (const code of first) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(await page.getByTestId("recovery-codes").innerText()).toContain("shown only this once");
    await page.getByTestId("recovery-left").filter({ hasText: "10 unused codes left" }).waitFor();
    await page.getByTestId("recovery-card").scrollIntoViewIfNeeded();
    await screenshot(page, "recovery-codes");
    await page.getByTestId("recovery-done").click();
    await page.getByTestId("recovery-generate").click();
    await page.getByTestId("recovery-confirm").filter({ hasText: "current codes stop working" }).waitFor();
    await page.getByTestId("recovery-step-up-passkey").click();
    await codeItems.first().waitFor();
    const codes = await codeItems.allInnerTexts();
    expect(codes).toHaveLength(10);
    expect(codes.filter((c) => first.includes(c))).toEqual([]);
    expect(await panel.innerText()).not.toMatch(rawNames);
    // Remove it (asked once more first, with the authenticator: the passkey itself answers); the account keeps its TOTP.
    await row.getByTestId("passkey-remove").click();
    await page.getByTestId("passkey-remove-question").filter({ hasText: "Remove “Laptop”?" }).waitFor();
    await page.getByTestId("passkey-remove-step-up-passkey").click();
    await page.getByTestId("passkeys-status").filter({ hasText: "“Laptop” removed" }).waitFor();
    await page.getByTestId("passkeys-empty").waitFor();
    await signOut();

    // The removed passkey is refused, in words.
    await page.getByTestId("passkey-login").click();
    await status.filter({ hasText: "passkey was not accepted" }).waitFor();

    // A recovery code instead of the TOTP code. Not even the shape of one: said under the field, the step stays.
    await password();
    expect(await page.getByTestId("use-passkey").count()).toBe(0);
    await page.getByTestId("recovery").locator("summary").click();
    await page.getByTestId("recovery-code").fill("12345");
    await page.getByTestId("submit-recovery-code").click();
    await page.getByTestId("recovery-code-error").filter({ hasText: "look like abcde-fghij" }).waitFor();
    await screenshot(page, "recovery-code-step");
    // One of the replaced set: the gateway used the login up, so the page goes back to the password.
    await page.getByTestId("recovery-code").fill(first[0]!);
    await page.getByTestId("submit-recovery-code").click();
    await status.filter({ hasText: "not right or was already used" }).waitFor();
    await page.getByTestId("sign-in-form").waitFor();
    // A current one (typed in capitals) leads to setting up TOTP again.
    await password();
    await page.getByTestId("recovery").locator("summary").click();
    await page.getByTestId("recovery-code").fill(codes[0]!.toUpperCase());
    await page.getByTestId("submit-recovery-code").click();
    await page.getByTestId("step-title").filter({ hasText: "Set up your authenticator app" }).waitFor();
    await status.filter({ hasText: "Recovery code accepted" }).waitFor();
    expect(await panel.innerText()).not.toMatch(rawNames);

    expect(problems).toEqual([]);
    const events = gw.audit.records.map((r) => `${r.event}:${r.outcome}`);
    for (const expected of ["PASSKEY_REGISTER:SUCCESS", "PASSKEY_LOGIN:SUCCESS", "PASSKEY_MFA:SUCCESS", "PASSKEY_REMOVE:SUCCESS", "RECOVERY_CODES_GENERATE:SUCCESS", "RECOVERY_CODE_LOGIN:CHALLENGE"]) expect(events).toContain(expected);
  }, 120_000);
});

import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { dataOf } from "../support/graphql-client";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, PASSWORD, type EnrolledUser } from "../support/users";
import { MeDocument } from "../generated/graphql";

const chromiumPath = "/usr/bin/chromium";
const withBrowser = existsSync(chromiumPath) ? describe : describe.skip;
if (!existsSync(chromiumPath)) process.stdout.write(`passkey browser test skipped: ${chromiumPath} is not installed\n`);

/** The page's origin must be configured before the gateway starts: take a free port from the OS first. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });

type Demo = {
  setToken(token: string | undefined): void;
  register(nickname: string): Promise<string>;
  list(): Promise<{ id: string; nickname: string; lastUsedAt: string | null }[]>;
  remove(id: string): Promise<void>;
  signOut(): Promise<void>;
  signInWithPasskey(): Promise<{ tokens: { accessToken: string } | null }>;
  signInWithPasswordThenPasskey(email: string, password: string): Promise<{ tokens: { accessToken: string } | null }>;
};
declare const window: { passkeyDemo: Demo };

withBrowser("passkeys in a real browser (Chromium's virtual authenticator)", () => {
  let gw: TestGateway;
  let browser: Browser;
  let origin: string;
  beforeAll(async () => {
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

  const openWithAuthenticator = async (): Promise<{ page: Page; problems: string[] }> => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(String(error)));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await page.goto(`${origin}/passkeys.html`);
    return { page, problems };
  };

  it("enrols a passkey, signs out, signs in with it, uses it after a password, and removes it", async () => {
    const user: EnrolledUser = await enrolledUser(gw);
    const { page, problems } = await openWithAuthenticator();
    await page.evaluate((token) => window.passkeyDemo.setToken(token), user.accessToken);

    const id = await page.evaluate(() => window.passkeyDemo.register("Virtual key"));
    await page.getByTestId("status").filter({ hasText: "Passkey registered: Virtual key" }).waitFor();
    expect((await page.evaluate(() => window.passkeyDemo.list())).map((p) => p.id)).toEqual([id]);
    await page.evaluate(() => window.passkeyDemo.signOut());

    const alone = await page.evaluate(() => window.passkeyDemo.signInWithPasskey());
    expect(alone.tokens?.accessToken).toBeTruthy();
    expect(dataOf(await gw.run(MeDocument, {}, { token: alone.tokens!.accessToken })).me.email).toBe(user.email);
    await page.evaluate(() => window.passkeyDemo.signOut());

    const second = await page.evaluate(([email, password]) => window.passkeyDemo.signInWithPasswordThenPasskey(email!, password!), [user.email, PASSWORD]);
    expect(second.tokens?.accessToken).toBeTruthy();
    const listed = await page.evaluate(() => window.passkeyDemo.list());
    expect(listed).toEqual([expect.objectContaining({ id, nickname: "Virtual key", lastUsedAt: expect.any(String) })]);

    await page.evaluate((passkeyId) => window.passkeyDemo.remove(passkeyId), id);
    expect(await page.evaluate(() => window.passkeyDemo.list())).toEqual([]);
    await expect(page.evaluate(() => window.passkeyDemo.signInWithPasskey())).rejects.toThrow("INVALID_CREDENTIALS");
    expect(problems).toEqual([]);
    const events = gw.audit.records.map((r) => `${r.event}:${r.outcome}`);
    for (const expected of ["PASSKEY_REGISTER:SUCCESS", "PASSKEY_LOGIN:SUCCESS", "PASSKEY_MFA:SUCCESS", "PASSKEY_REMOVE:SUCCESS"]) expect(events).toContain(expected);
  }, 60_000);
});

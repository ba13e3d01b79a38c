import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { chromiumPath, describeWithBrowser } from "../support/browser";
import { MeDocument } from "../generated/graphql";
import { errorOf, execute } from "../support/graphql-client";
import { startHostedLogin, subOf, type HostedLoginSetup } from "../support/hosted-login";
import { enrolledUser } from "../support/users";

const withBrowser = describeWithBrowser("hosted-login");

/** `me` as the page's own script would ask it: same origin, with whatever cookie the browser holds. */
const meFromPage = (page: Page) =>
  page.evaluate(async () => {
    const response = await fetch("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ me { sub } }" }) });
    return { status: response.status, body: (await response.json()) as { data?: { me: { sub: string } } | null; errors?: { extensions: { code: string } }[] } };
  });

withBrowser("hosted login in a real browser", () => {
  let setup: HostedLoginSetup;
  let browser: Browser;
  /** Another site (127.0.0.1 is not the same site as localhost) with a page that posts a form to the gateway. */
  let attacker: Server;
  let attackerUrl: string;

  /** The browser app, on its own origin of the same site (localhost): a sign-in link, a sign-out form. */
  let app: Server;
  let appOrigin: string;

  const listenOn = async (server: Server, host: string) => {
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    return (server.address() as AddressInfo).port;
  };

  beforeAll(async () => {
    app = createServer((req, res) => {
      const gateway = new URL(setup.gw.url).origin;
      const page = req.url === "/signed-out" ? "<h1>Signed out</h1>" : `<h1>App</h1><form method="post" action="${gateway}/auth/logout"><button id="sign-out">Sign out</button></form>`;
      res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html>${page}`);
    });
    appOrigin = `http://localhost:${await listenOn(app, "127.0.0.1")}`;
    setup = await startHostedLogin({ appOrigin });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    attacker = createServer((_req, res) => {
      const body = JSON.stringify({ query: "mutation { logoutEverywhere }" }).replace(/"/g, "&quot;");
      // A classic CSRF: a text/plain form whose body reads as JSON ({"query":"…","x":"="}).
      res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><form id="f" method="post" enctype="text/plain" action="${setup.gw.url}">
        <input name="${body.slice(0, -1)},&quot;x&quot;:&quot;" value="&quot;}"></form><script>document.getElementById("f").submit()</script>`);
    });
    attackerUrl = `http://127.0.0.1:${await listenOn(attacker, "127.0.0.1")}/`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    await new Promise((resolve) => app?.close(resolve));
    await setup?.close();
  });

  it("login → pool → callback → cookie → `me` → cross-site form post refused → logout lands on the sign-out URL, old cookie refused", async () => {
    const user = await enrolledUser(setup.gw);
    const sub = await subOf(user.email);
    const context = await browser.newContext();
    const page = await context.newPage();

    // The app's "Sign in" link; the pool's hosted page asks who signs in.
    const appPage = `${appOrigin}/app`;
    await page.goto(`${setup.origin}/auth/login?returnTo=${encodeURIComponent(appPage)}`);
    expect(page.url().startsWith(`${setup.standIn.url}/interaction/`)).toBe(true);
    await page.locator("input[name=login]").fill(sub);
    await Promise.all([page.waitForURL(appPage), page.locator("button[type=submit]").click()]);

    // Cookies do not keep ports apart: the stand-in's own (also on localhost) are in the jar too.
    const sessionCookies = async () => (await context.cookies(setup.origin)).filter((c) => c.name === "authgw-session");
    const [cookie, ...more] = await sessionCookies();
    expect(more).toEqual([]);
    expect(cookie).toMatchObject({ name: "authgw-session", httpOnly: true, secure: true, sameSite: "Lax", path: "/", expires: -1 });
    // `me` from a page of the gateway's origin (the usual BFF set-up: app and gateway behind one origin).
    await page.goto(`${setup.origin}/healthz`);
    expect(await page.evaluate(() => document.cookie)).toBe(""); // HttpOnly: invisible to scripts
    const signedIn = await meFromPage(page);
    expect(signedIn.body.data?.me.sub).toBe(sub);

    // A page on another site posts a form at the gateway: SameSite keeps the cookie off, Apollo refuses the request.
    const evil = await context.newPage();
    const posted = evil.waitForResponse((r) => r.url() === setup.gw.url, { timeout: 8000 });
    await evil.goto(attackerUrl);
    const csrf = await posted;
    expect(csrf.status()).toBe(400); // Apollo's CSRF prevention: a simple request without a preflight
    expect(await csrf.request().headerValue("cookie")).toBeNull(); // SameSite=Lax: no cookie on a cross-site POST
    expect((await meFromPage(page)).body.data?.me.sub).toBe(sub);

    // The app's "Sign out" button: a form POST to /auth/logout, then the pool's /logout, then the sign-out URL.
    await page.goto(appPage);
    await Promise.all([page.waitForURL(setup.oauth.signOutUrl, { timeout: 8000 }), page.locator("#sign-out").click()]);
    expect(page.url()).toBe(setup.oauth.signOutUrl);
    expect(await page.locator("h1").textContent()).toBe("Signed out");
    expect(await sessionCookies()).toEqual([]);
    await page.goto(`${setup.origin}/healthz`);
    const anonymous = await meFromPage(page);
    expect(anonymous.body.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");

    // The old cookie, replayed by anyone who kept it, is refused.
    const replayed = await execute(setup.gw.url, MeDocument, {}, { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
    expect(replayed.status).toBe(401);
    expect(errorOf(replayed).extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
    await context.close();
  });
});

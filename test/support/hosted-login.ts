import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { AdminGetUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import type { GatewayOverrides, GatewaySettings } from "../../src/app";
import type { OAuthSettings } from "../../src/config";
import { testCognito } from "../setup/test-cognito";
import { startTestGateway, type TestGateway } from "./test-gateway";
import { freePort } from "./ports";
import { testCognitoClient } from "./users";

/** The stand-in for the pool's hosted domain (test/support/oidc-stand-in.mjs), run as a child process. */
export type StandIn = { url: string; clientId: string; clientSecret: string; otherClientId: string; close(): Promise<void> };

const repo = join(__dirname, "../..");
/** cognito-local's own signing key: tokens signed with it pass the gateway's verifier and cognito-local's GetUser. */
const cognitoLocalKey = () => JSON.parse(readFileSync(join(repo, "node_modules/cognito-local/lib/keys/cognitoLocal.private.json"), "utf8")).jwk as Record<string, string>;

export const startStandIn = async (options: { redirectUris: string[]; logoutUris: string[]; accessTokenTtl?: number }): Promise<StandIn> => {
  const cognito = testCognito();
  const client = { client_id: cognito.clientId, client_secret: "stand-in-client-secret", redirect_uris: options.redirectUris, logout_uris: options.logoutUris };
  const other = { client_id: "another-app-client", client_secret: "another-secret", redirect_uris: options.redirectUris, logout_uris: options.logoutUris };
  const config = { issuer: cognito.issuer, privateJwk: cognitoLocalKey(), clients: [client, other], accessTokenTtl: options.accessTokenTtl };
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, "oidc-stand-in.mjs")], {
    env: { ...process.env, STAND_IN: JSON.stringify(config), NODE_NO_WARNINGS: "1" },
    stdio: ["pipe", "pipe", "ignore"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`stand-in exited with ${code}`)));
    createInterface({ input: child.stdout! }).once("line", (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  child.removeAllListeners("exit");
  return {
    url: `http://localhost:${port}`,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    otherClientId: other.client_id,
    close: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
};

/** A minimal cookie jar for one origin: enough to walk the stand-in's login redirects without a browser. */
export const withJar = () => {
  const jar = new Map<string, string>();
  return async (url: string): Promise<Response> => {
    const response = await fetch(url, { redirect: "manual", headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  };
};

/**
 * Signs `login` (a cognito-local sub, optionally `sub#group,group`) in at the stand-in, from the pool's
 * authorize URL to the redirect back: returns that redirect (the callback URL with code and state), unfollowed.
 */
export const signInAtPool = async (authorizeUrl: string, login: string): Promise<URL> => {
  const go = withJar();
  let response = await go(authorizeUrl);
  for (let hops = 0; hops < 5; hops++) {
    const location = response.headers.get("location");
    if (!location) throw new Error(`stand-in stopped at ${response.status}: ${await response.text()}`);
    const next = new URL(location, authorizeUrl);
    if (next.origin !== new URL(authorizeUrl).origin) return next;
    if (next.pathname.startsWith("/interaction/")) next.searchParams.set("login", login);
    response = await go(next.href);
  }
  throw new Error("too many redirects at the stand-in");
};

/** The sub cognito-local gives an account (what the pool would put in its tokens). */
export const subOf = async (email: string): Promise<string> => {
  const cognito = testCognito();
  const client = testCognitoClient();
  try {
    const user = await client.send(new AdminGetUserCommand({ UserPoolId: cognito.userPoolId, Username: email }));
    const sub = user.UserAttributes?.find((a) => a.Name === "sub")?.Value;
    if (!sub) throw new Error("no sub");
    return sub;
  } finally {
    client.destroy();
  }
};

export type HostedLoginSetup = {
  gw: TestGateway;
  standIn: StandIn;
  /** The gateway's own origin, as the browser sees it. */
  origin: string;
  oauth: OAuthSettings;
  /** A redirect URI of a native app (for exchangeAuthorizationCode). */
  appRedirectUri: string;
  close(): Promise<void>;
};

/** A gateway with hosted login configured against a fresh stand-in of the pool's domain. */
export type HostedLoginOptions = GatewayOverrides & {
  settings?: Partial<GatewaySettings>;
  /** An app of its own origin: its pages join the returnTo list and it hosts the sign-out page. */
  appOrigin?: string;
};

export const startHostedLogin = async (overrides: HostedLoginOptions = {}): Promise<HostedLoginSetup> => {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const appRedirectUri = "http://localhost:7/native-app/callback";
  const callbackUrl = `${origin}/auth/callback`;
  const { settings, appOrigin, ...seams } = overrides;
  const signOutUrl = `${appOrigin ?? origin}/signed-out`;
  const standIn = await startStandIn({ redirectUris: [callbackUrl, appRedirectUri], logoutUris: [signOutUrl], accessTokenTtl: 120 });
  const oauth: OAuthSettings = {
    domain: standIn.url,
    callbackUrl,
    returnTo: [`${origin}/healthz`, `${origin}/readyz`, ...(appOrigin ? [`${appOrigin}/app`] : [])],
    redirectUris: [appRedirectUri],
    signOutUrl,
    cookieSameSite: "lax",
    clientSecret: standIn.clientSecret,
  };
  const gw = await startTestGateway({ ...seams, settings: { port, oauth, ...settings } });
  return {
    gw,
    standIn,
    origin,
    oauth,
    appRedirectUri,
    close: async () => {
      await gw.close();
      await standIn.close();
    },
  };
};

/** The cookie pairs a response sets (`name=value`, attributes dropped), for the next request's Cookie header. */
export const cookiesSetBy = (response: Response): string =>
  response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .filter((pair) => !pair.endsWith("="))
    .join("; ");

/**
 * A browser beginning a hosted login: GET /auth/login, as one browser would (its cookies kept). Returns the
 * pool's authorize URL and the Cookie header the browser then holds (the login-binding cookie).
 */
export const beginBrowserLogin = async (origin: string, options: { returnTo?: string; headers?: Record<string, string> } = {}): Promise<{ authorize: URL; cookie: string; response: Response }> => {
  const query = options.returnTo === undefined ? "" : `?returnTo=${encodeURIComponent(options.returnTo)}`;
  const response = await fetch(`${origin}/auth/login${query}`, { redirect: "manual", headers: options.headers });
  const location = response.headers.get("location");
  return { authorize: new URL(location ?? "about:blank"), cookie: cookiesSetBy(response), response };
};

/** The same browser coming back from the pool: GET /auth/callback with the cookie /auth/login set. */
export const finishBrowserLogin = (origin: string, back: URL, cookie: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${origin}/auth/callback${back.search}`, { redirect: "manual", headers: { ...(cookie ? { cookie } : {}), ...headers } });

/** A native app's PKCE authorization request at the stand-in (its verifier and nonce kept for the exchange). */
export const nativeAppAuthorization = (setup: Pick<HostedLoginSetup, "standIn" | "appRedirectUri">): { authorize: URL; codeVerifier: string; nonce: string } => {
  const codeVerifier = randomBytes(32).toString("base64url");
  const nonce = randomBytes(16).toString("base64url");
  const authorize = new URL(`${setup.standIn.url}/oauth2/authorize`);
  authorize.search = new URLSearchParams({
    client_id: setup.standIn.clientId,
    response_type: "code",
    redirect_uri: setup.appRedirectUri,
    scope: "openid email aws.cognito.signin.user.admin",
    state: "app-state",
    nonce,
    code_challenge: createHash("sha256").update(codeVerifier).digest("base64url"),
    code_challenge_method: "S256",
  }).toString();
  return { authorize, codeVerifier, nonce };
};

/**
 * A native app's sign-in in the browser `go` (withJar): `login` is given to the pool's form only if the pool asks
 * (its own session cookie may sign the browser in without asking). Returns the code, not redeemed.
 */
export const nativeAppSignIn = async (setup: Pick<HostedLoginSetup, "standIn" | "appRedirectUri">, go: ReturnType<typeof withJar>, login: string) => {
  const { authorize, codeVerifier, nonce } = nativeAppAuthorization(setup);
  let response = await go(authorize.href);
  let askedForCredentials = false;
  for (let hops = 0; hops < 8; hops++) {
    const location = response.headers.get("location");
    if (!location) throw new Error(`stand-in stopped at ${response.status}: ${await response.text()}`);
    const next = new URL(location, authorize.href);
    if (next.origin !== authorize.origin) return { code: next.searchParams.get("code")!, codeVerifier, nonce, askedForCredentials };
    if (next.pathname.startsWith("/interaction/") && !next.searchParams.has("login")) {
      const page = await go(next.href);
      if (page.status !== 200) {
        response = page;
        continue;
      }
      askedForCredentials = true;
      next.searchParams.set("login", login);
    }
    response = await go(next.href);
  }
  throw new Error("too many redirects at the stand-in");
};

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import type { OAuthSettings } from "../shared/settings";
import type { ProvisionedPool } from "./provision-local";

export type LocalHostedLogin = { url: string; oauth: OAuthSettings; close(): Promise<void> };

/** oidc-provider is a dev dependency: dev mode offers hosted login only where it is installed. */
export const hostedLoginAvailable = (): boolean => {
  try {
    require.resolve("oidc-provider/package.json");
    return true;
  } catch {
    return false;
  }
};

/** The repository root: this file runs from src/dev (ts-jest) and from dist/dev (npm start). */
const root = join(__dirname, "..", "..");

/**
 * Dev mode's stand-in for the pool's hosted login domain (src/dev/hosted-login-provider.mjs, a child
 * process like cognito-local): Cognito's /oauth2/* and /logout paths, a page that checks a cognito-local
 * account's password and TOTP code, and tokens cognito-local's own keys sign. Returns the hosted-login
 * settings that point the gateway's /auth/login, /auth/callback and /auth/logout at it.
 */
export const startLocalHostedLogin = async (options: { pool: ProvisionedPool & { endpoint: string }; gatewayPort: number; port: number }): Promise<LocalHostedLogin> => {
  const gateway = `http://localhost:${options.gatewayPort}`;
  const clientSecret = randomBytes(32).toString("base64url");
  const callbackUrl = `${gateway}/auth/callback`;
  const signOutUrl = `${gateway}/`;
  const keyFile = z.object({ jwk: z.record(z.string(), z.unknown()) });
  const privateJwk = keyFile.parse(JSON.parse(readFileSync(join(dirname(require.resolve("cognito-local/package.json")), "lib/keys/cognitoLocal.private.json"), "utf8"))).jwk;
  const config = {
    issuer: options.pool.issuer,
    port: options.port,
    privateJwk,
    cognito: { endpoint: options.pool.endpoint, clientId: options.pool.clientId },
    client: { client_id: options.pool.clientId, client_secret: clientSecret, redirect_uris: [callbackUrl], logout_uris: [signOutUrl] },
  };
  const child = spawn(process.execPath, [join(root, "src", "dev", "hosted-login-provider.mjs")], {
    cwd: root,
    env: { PATH: process.env["PATH"], HOSTED_LOGIN: JSON.stringify(config), NODE_NO_WARNINGS: "1" },
    // stdin is the child's lifeline: it exits when the gateway does, however the gateway ends.
    stdio: ["pipe", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the dev hosted-login provider exited (code ${code ?? "?"}); see its output above`)));
    // Its first line announces the port it listens on.
    const announced = z.object({ port: z.number() });
    createInterface({ input: child.stdout }).once("line", (line) => {
      try {
        resolve(announced.parse(JSON.parse(line)).port);
      } catch {
        reject(new Error("the dev hosted-login provider did not announce its port"));
      }
    });
  });
  child.removeAllListeners("exit");
  const url = `http://localhost:${port}`;
  return {
    url,
    oauth: { domain: url, callbackUrl, returnTo: [`${gateway}/`], redirectUris: [], signOutUrl, cookieSameSite: "lax", clientSecret },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
};

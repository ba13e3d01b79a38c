import type { SignInResult } from "./steps";

/** Where a hosted-login sign-in stands between leaving the app and coming back (keep it, e.g. sessionStorage). */
export type PendingHostedLogin = { state: string; codeVerifier: string; nonce: string; redirectUri: string };

/** The part of Web Crypto this needs (browsers, Node ≥ 20, React Native with a polyfill). */
export type WebCrypto = {
  getRandomValues(array: Uint8Array): Uint8Array;
  subtle: { digest(algorithm: "SHA-256", data: Uint8Array): Promise<ArrayBuffer> };
};

export type HostedLoginOptions = {
  /** The pool's hosted domain, e.g. https://auth.example.com (dev mode: the gateway's own origin). */
  domain: string;
  /** The app client id. */
  clientId: string;
  /** Where the pool sends the browser (or the native app's custom scheme) back; one of the gateway's OAUTH_REDIRECT_URIS. */
  redirectUri: string;
  scopes?: readonly string[];
  /** crypto.getRandomValues / crypto.subtle: the platform's by default (browsers, Node ≥ 20, React Native with a polyfill). */
  crypto?: WebCrypto;
};

export type HostedLogin = {
  /** A fresh PKCE pair, state and nonce, and the authorize URL to open with them. */
  begin(): Promise<{ url: string; pending: PendingHostedLogin }>;
  /** The redirect back (its URL): checks the state, then redeems the code at the gateway. */
  complete(callbackUrl: string, pending: PendingHostedLogin): Promise<SignInResult>;
};

type Exchange = (input: { code: string; codeVerifier: string; redirectUri: string; nonce: string }) => Promise<SignInResult>;

const base64url = (bytes: Uint8Array): string => {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

/**
 * Hosted login (OAuth 2.0 authorization code + PKCE, RFC 7636) for single-page and native apps: the app opens
 * the pool's page, the pool redirects back with a code, and the gateway redeems it (`exchangeAuthorizationCode`)
 * into the same session a password + MFA sign-in opens. The code verifier never leaves the app and the gateway.
 */
export const createHostedLogin = (options: HostedLoginOptions, exchange: Exchange): HostedLogin => {
  const crypto: WebCrypto = options.crypto ?? (globalThis as unknown as { crypto: WebCrypto }).crypto;
  const random = (bytes: number) => base64url(crypto.getRandomValues(new Uint8Array(bytes)));
  return {
    async begin() {
      const pending: PendingHostedLogin = { state: random(16), codeVerifier: random(32), nonce: random(16), redirectUri: options.redirectUri };
      const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(pending.codeVerifier))));
      const url = new URL("/oauth2/authorize", options.domain);
      url.search = new URLSearchParams({
        client_id: options.clientId,
        response_type: "code",
        redirect_uri: options.redirectUri,
        scope: (options.scopes ?? ["openid", "email", "aws.cognito.signin.user.admin"]).join(" "),
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: challenge,
        code_challenge_method: "S256",
      }).toString();
      return { url: url.href, pending };
    },
    async complete(callbackUrl, pending) {
      const params = new URL(callbackUrl).searchParams;
      // A redirect this app did not start (login CSRF) or an answer for another attempt.
      if (params.get("state") !== pending.state) throw new Error("The hosted-login answer does not belong to this sign-in (state mismatch).");
      const error = params.get("error");
      if (error) throw new Error(`The hosted login ended without signing in (${error}).`);
      const code = params.get("code");
      if (!code) throw new Error("The hosted-login answer has no code.");
      return exchange({ code, codeVerifier: pending.codeVerifier, redirectUri: pending.redirectUri, nonce: pending.nonce });
    },
  };
};

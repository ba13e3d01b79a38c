import type { IncomingMessage } from "node:http";
import type { Router } from "express";
import type { AuditLog } from "../../audit/audit-log";
import type { IdentityProvider } from "../../auth/identity-provider";
import { createOAuthClient } from "../../auth/oauth/oauth-client";
import { OAuthLogin } from "../../auth/oauth/oauth-login";
import type { Services } from "../../auth/services";
import type { PolicySettings } from "../../policy/policy-settings";
import type { CognitoSettings, OAuthSettings } from "../../shared/settings";
import { CookieSessions, cookieSettingsFor } from "../../context/cookie-session";
import type { AccessTokenVerifier } from "../../context/token-verifier";
import { createLimiter } from "../../policy/address-limiter";
import { consume } from "../../permissions/rate-limits";
import type { Clock } from "../../shared/clock";
import type { Logger } from "../../shared/logger";
import type { StateStore } from "../../store/state-store";
import { oauthRoutes } from "./oauth-routes";
import { LoginBindingCookie } from "./login-binding";
import { clientAddressOf } from "../../context/client-address";

export type HostedLoginDeps = {
  oauth: OAuthSettings;
  cognito: Pick<CognitoSettings, "issuer" | "jwksUri" | "clientId">;
  services: Pick<Services, "completion" | "sessions" | "access" | "epoch">;
  idp: Pick<IdentityProvider, "getProfile">;
  verifier: Pick<AccessTokenVerifier, "verify">;
  store: StateStore;
  clock: Clock;
  audit: Pick<AuditLog, "record">;
  logger: Pick<Logger, "error">;
  sessionMaxAgeSeconds: number;
  policy: Pick<PolicySettings, "rateLimitIpPerMinute">;
  /** TRUST_PROXY_HOPS: the routes find the client's address as GraphQL does. */
  trustProxyHops: number;
};

export type HostedLogin = { login: OAuthLogin; cookies: CookieSessions | undefined; routes: Router | undefined };

/** Hosted login's parts: the OAuth client, the login service, and for browser apps the cookie sessions and routes. */
export const createHostedLogin = (deps: HostedLoginDeps): HostedLogin => {
  const { oauth, cognito, services, store, clock, audit } = deps;
  const client = createOAuthClient({ domain: oauth.domain, issuer: cognito.issuer, jwksUri: cognito.jwksUri, clientId: cognito.clientId, clientSecret: oauth.clientSecret });
  const login = new OAuthLogin({
    client,
    store,
    audit,
    completion: services.completion,
    idp: deps.idp,
    sessions: services.sessions,
    epoch: services.epoch,
    verifier: deps.verifier,
    settings: { callbackUrl: oauth.callbackUrl, returnTo: oauth.returnTo, redirectUris: oauth.redirectUris, signOutUrl: oauth.signOutUrl },
  });
  if (oauth.callbackUrl === undefined) return { login, cookies: undefined, routes: undefined };
  const cookies = new CookieSessions({
    store,
    clock,
    client,
    sessions: services.sessions,
    access: services.access,
    audit,
    settings: cookieSettingsFor(oauth.callbackUrl, oauth.cookieSameSite),
    ttlSeconds: deps.sessionMaxAgeSeconds,
  });
  // Each /auth/login writes a pending login: as many per address and minute as unauthenticated mutations.
  const perMinute = deps.policy.rateLimitIpPerMinute;
  const perAddress = perMinute > 0 ? createLimiter(store, "oauth-by-address", perMinute, 60) : undefined;
  const throttle = (address: string | undefined) => consume(perAddress, address ?? "unknown");
  const clientAddress = (req: IncomingMessage) => clientAddressOf(req, { trustProxyHops: deps.trustProxyHops });
  const binding = new LoginBindingCookie(oauth.callbackUrl);
  const routes = oauthRoutes({ login, cookies, throttle, clientAddress, binding, origins: [...new Set([oauth.callbackUrl, ...oauth.returnTo].map((url) => new URL(url).origin))], logger: deps.logger });
  return { login, cookies, routes };
};

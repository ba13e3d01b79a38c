import express, { type Request, type Response, type Router } from "express";
import type { RequestMeta } from "../../audit/audit-event";
import { OAuthRejection } from "../../auth/oauth/oauth-client";
import { notAllowListed, type OAuthLogin } from "../../auth/oauth/oauth-login";
import type { CookieSessions } from "../../context/cookie-session";
import type { LoginBindingCookie } from "./login-binding";
import { requestIdOf } from "../../context/build-context";
import { ErrorCode, GatewayError, messageFor, publicCodeOf } from "../../errors/error-codes";
import type { Logger } from "../../shared/logger";

export type OAuthRouteDeps = {
  login: Pick<OAuthLogin, "begin" | "callback" | "logout" | "logoutUrl">;
  cookies: Pick<CookieSessions, "open" | "peek" | "close" | "read" | "setCookie" | "clearCookie">;
  /** The gateway's and the apps' origins (OAUTH_CALLBACK_URL, OAUTH_RETURN_TO): POST /auth/logout from any other is refused. */
  origins: readonly string[];
  logger: Pick<Logger, "error">;
  /** Per client address; rejects with TOO_MANY_REQUESTS. */
  throttle: (address: string | undefined) => Promise<void>;
  /** The client's address, as GraphQL sees it (TRUST_PROXY_HOPS): throttles and audit records use it. */
  clientAddress: (req: Request) => string | undefined;
  /** The cookie that ties a login to the browser that began it. */
  binding: Pick<LoginBindingCookie, "create" | "digestOf" | "clear">;
};

const statusFor = (code: ErrorCode): number => {
  switch (code) {
    case ErrorCode.SERVICE_UNAVAILABLE:
      return 503;
    case ErrorCode.INTERNAL_SERVER_ERROR:
      return 500;
    case ErrorCode.TOO_MANY_REQUESTS:
      return 429;
    case ErrorCode.FORBIDDEN:
    case ErrorCode.INVALID_CREDENTIALS:
    case ErrorCode.ACCOUNT_LOCKED:
      return 403;
    default:
      return 400;
  }
};

const metaOf = (req: Request, res: Response, deps: Pick<OAuthRouteDeps, "clientAddress">): RequestMeta => ({
  requestId: String(res.locals["requestId"] ?? requestIdOf(req)),
  ip: deps.clientAddress(req),
  userAgent: req.headers["user-agent"]?.slice(0, 256),
});

/** Our typed error as JSON (never a stack, upstream text or the query); unknown errors are masked and logged. */
const sendError = (res: Response, error: unknown, logger: Pick<Logger, "error">): void => {
  const code = publicCodeOf(error);
  if (code === ErrorCode.INTERNAL_SERVER_ERROR) logger.error({ requestId: res.locals["requestId"] as unknown, name: error instanceof Error ? error.name : typeof error }, "hosted login failed (masked)");
  const extensions = error instanceof GatewayError ? error.extensions : {};
  if (typeof extensions["retryAfterSeconds"] === "number") res.setHeader("retry-after", String(extensions["retryAfterSeconds"]));
  res.status(statusFor(code)).json({ error: { code, message: messageFor(code), ...extensions } });
};

/**
 * A browser's cross-site request: Sec-Fetch-Site says so, or Origin names a site that is not ours. (Behind
 * `Referrer-Policy: no-referrer` browsers send `Origin: null` for form posts; Sec-Fetch-Site still tells.)
 */
const crossSite = (req: Request, origins: readonly string[]): boolean => {
  if (req.headers["sec-fetch-site"] === "cross-site") return true;
  const origin = req.headers.origin;
  return origin !== undefined && origin !== "null" && !origins.includes(origin);
};

/** GET /auth/login, GET /auth/callback, POST /auth/logout: the browser side of hosted login. */
export const oauthRoutes = (deps: OAuthRouteDeps): Router => {
  const router = express.Router();
  // Nothing here may be cached: URLs carry one-time state, responses set or clear the session cookie.
  router.use("/auth", (_req, res, next) => {
    res.setHeader("cache-control", "no-store");
    next();
  });

  router.get("/auth/login", async (req, res) => {
    try {
      await deps.throttle(deps.clientAddress(req));
      const returnTo = req.query["returnTo"];
      if (returnTo !== undefined && typeof returnTo !== "string") throw notAllowListed("returnTo");
      const binding = deps.binding.create();
      const location = await deps.login.begin(returnTo, binding.digest);
      res.setHeader("set-cookie", binding.setCookie);
      res.redirect(302, location);
    } catch (error) {
      sendError(res, error, deps.logger);
    }
  });

  router.get("/auth/callback", async (req, res) => {
    try {
      await deps.throttle(deps.clientAddress(req));
      // The login cookie has done its work whatever the outcome: cleared on every answer.
      res.setHeader("set-cookie", deps.binding.clear());
      const response = new URLSearchParams(new URL(req.originalUrl, "http://callback").search);
      const done = await deps.login.callback(response, metaOf(req, res, deps), deps.binding.digestOf(req));
      const cookie = await deps.cookies.open(done.tokens, done);
      res.setHeader("set-cookie", [deps.binding.clear(), deps.cookies.setCookie(cookie)]);
      res.redirect(302, done.returnTo);
    } catch (error) {
      // A sign-in the pool's own session made before a security change: through the pool's /logout, which ends
      // that session, so the next sign-in asks for credentials.
      if (error instanceof GatewayError && error.extensions["reason"] === OAuthRejection.LOGIN_REQUIRED) res.redirect(302, deps.login.logoutUrl());
      else sendError(res, error, deps.logger);
    }
  });

  router.post("/auth/logout", async (req, res) => {
    try {
      // SameSite keeps the cookie off cross-site posts already; a foreign Origin is refused outright.
      if (crossSite(req, deps.origins)) throw new GatewayError(ErrorCode.FORBIDDEN, { reason: "CROSS_ORIGIN" });
      const cookie = deps.cookies.read(req);
      const session = cookie === undefined ? undefined : await deps.cookies.peek(cookie);
      if (cookie !== undefined && session) await deps.login.logout(session, metaOf(req, res, deps), () => deps.cookies.close(cookie));
      res.setHeader("set-cookie", deps.cookies.clearCookie());
      // Also ends the pool's own hosted-login session, then lands on the configured sign-out URL.
      res.redirect(303, deps.login.logoutUrl());
    } catch (error) {
      sendError(res, error, deps.logger);
    }
  });
  return router;
};

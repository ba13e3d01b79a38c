import type * as Oidc from "openid-client" with { "resolution-mode": "import" };
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import type { ProviderTokens } from "../identity-provider";

let loaded: typeof Oidc | undefined;
/**
 * openid-client is ESM-only. Node ≥ 20.19 loads ES modules with require() (no top-level await in it), and
 * the tests transform it to CommonJS (jest.config.js), so this CommonJS build can use it without async
 * start-up. Loaded on first use: a gateway without hosted login never loads it. The type is the package's.
 */
const openidClient = (): typeof Oidc => (loaded ??= require("openid-client") as typeof Oidc);

/** The OAuth 2.0 side of the pool (its hosted domain), in the gateway's words. Throws only GatewayError. */
export interface OAuthClient {
  /** The pool's /oauth2/authorize URL for a code flow with PKCE S256, state and nonce. */
  authorizationUrl(request: { redirectUri: string; state: string; nonce: string; codeVerifier: string }): Promise<string>;
  /**
   * Redeems a code at /oauth2/token as the confidential client and checks the answer: state (when
   * expected), the id token (issuer, audience, expiry, nonce). `response` holds the callback's parameters.
   */
  redeem(request: { response: URLSearchParams; redirectUri: string; codeVerifier: string; expectedState: string | undefined; expectedNonce: string | undefined }): Promise<ProviderTokens>;
  refresh(refreshToken: string): Promise<ProviderTokens>;
  /** Revokes a refresh token at /oauth2/revoke (its access tokens stop at the pool too). */
  revoke(refreshToken: string): Promise<void>;
  /** The pool's /logout, which ends the hosted-login session and returns to the sign-out URL. */
  logoutUrl(signOutUrl: string): string;
}

export type OAuthClientOptions = {
  /** The pool's hosted domain, e.g. https://auth.example.com. */
  domain: string;
  /** The pool's token issuer and JWKS (`https://cognito-idp.<region>.amazonaws.com/<pool id>`). */
  issuer: string;
  jwksUri: string;
  clientId: string;
  clientSecret: string | undefined;
  /** Every OAuth call gives up after this long. */
  timeoutSeconds?: number;
};

/** Cognito's scopes for hosted login; `aws.cognito.signin.user.admin` lets the gateway read the profile (GetUser). */
export const hostedLoginScopes = "openid email aws.cognito.signin.user.admin";

/** Why a code could not be turned into a session; sent as `extensions.reason` with SESSION_EXPIRED. */
export enum OAuthRejection {
  /** Unknown, used or expired `state` (or no login in progress). */
  STATE_INVALID = "STATE_INVALID",
  /** The pool refused the code: used, expired, another client's, wrong redirect URI or PKCE verifier. */
  GRANT_INVALID = "GRANT_INVALID",
  /** The id token did not match the request (nonce, audience, issuer, expiry). */
  ID_TOKEN_INVALID = "ID_TOKEN_INVALID",
  /** The pool answered the authorization request with an error (the user cancelled, for instance). */
  AUTHORIZATION_DENIED = "AUTHORIZATION_DENIED",
  /**
   * The pool signed the user in before the account's last security change (a sign-out everywhere, an email-change
   * undo, a password reset): its own session cookie outlives them. The user signs in again with credentials (the
   * browser flow sends the browser through the pool's /logout first).
   */
  LOGIN_REQUIRED = "LOGIN_REQUIRED",
}

export const oauthRejected = (reason: OAuthRejection, cause?: unknown): GatewayError => new GatewayError(ErrorCode.SESSION_EXPIRED, { reason }, undefined, cause);

/** One translation for the OAuth boundary: the pool's refusals, our checks, and an unreachable pool. */
const translate = (error: unknown): GatewayError => {
  if (error instanceof GatewayError) return error;
  const oidc = openidClient();
  if (error instanceof oidc.AuthorizationResponseError) return oauthRejected(OAuthRejection.AUTHORIZATION_DENIED, error);
  if (error instanceof oidc.ResponseBodyError) {
    return error.status >= 500 ? new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "IDENTITY_PROVIDER_UNAVAILABLE" }, undefined, error) : oauthRejected(OAuthRejection.GRANT_INVALID, error);
  }
  if (error instanceof oidc.ClientError) {
    // Our checks of the answer (state, nonce, id token claims) and unexpected responses.
    const code = error.code ?? "";
    if (code === "OAUTH_INVALID_RESPONSE" && /state/i.test(error.message)) return oauthRejected(OAuthRejection.STATE_INVALID, error);
    if (/JWT|CLAIM/.test(code)) return oauthRejected(OAuthRejection.ID_TOKEN_INVALID, error);
    if (code === "OAUTH_RESPONSE_IS_NOT_CONFORM" || code === "OAUTH_RESPONSE_IS_NOT_JSON") {
      return new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "IDENTITY_PROVIDER_UNAVAILABLE" }, undefined, error);
    }
    return oauthRejected(OAuthRejection.GRANT_INVALID, error);
  }
  // fetch: connection refused, DNS, timeout.
  return new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "IDENTITY_PROVIDER_UNAVAILABLE" }, undefined, error);
};

const guarded = async <T>(run: () => Promise<T>): Promise<T> => {
  try {
    return await run();
  } catch (error) {
    throw translate(error);
  }
};

const toTokens = (answer: Oidc.TokenEndpointResponse & Oidc.TokenEndpointResponseHelpers, previousRefreshToken?: string): ProviderTokens => {
  const authTime = answer.claims()?.auth_time;
  if (!answer.id_token) throw oauthRejected(OAuthRejection.ID_TOKEN_INVALID, new Error("token response without id_token"));
  return {
    accessToken: answer.access_token,
    idToken: answer.id_token,
    refreshToken: answer.refresh_token ?? previousRefreshToken,
    expiresIn: answer.expires_in ?? 3600,
    tokenType: answer.token_type,
    authTime: typeof authTime === "number" ? authTime : undefined,
  };
};

/** Cognito's endpoints under its hosted domain; the metadata is fixed, so there is no discovery call. */
export const createOAuthClient = (options: OAuthClientOptions): OAuthClient => {
  const { domain } = options;
  const oidc = openidClient();
  const config = new oidc.Configuration(
    {
      issuer: options.issuer,
      authorization_endpoint: `${domain}/oauth2/authorize`,
      token_endpoint: `${domain}/oauth2/token`,
      revocation_endpoint: `${domain}/oauth2/revoke`,
      userinfo_endpoint: `${domain}/oauth2/userInfo`,
      jwks_uri: options.jwksUri,
    },
    options.clientId,
    options.clientSecret,
    options.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(options.clientSecret),
  );
  config.timeout = options.timeoutSeconds ?? 5;
  // Plain HTTP only reaches a local stand-in: config.ts accepts http:// only for localhost.
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- openid-client marks it deprecated only to make it stand out; guarded to localhost above.
  if (domain.startsWith("http://")) oidc.allowInsecureRequests(config);

  return {
    async authorizationUrl({ redirectUri, state, nonce, codeVerifier }) {
      const codeChallenge = await oidc.calculatePKCECodeChallenge(codeVerifier);
      const parameters = { redirect_uri: redirectUri, response_type: "code", scope: hostedLoginScopes, state, nonce, code_challenge: codeChallenge, code_challenge_method: "S256" };
      return oidc.buildAuthorizationUrl(config, parameters).href;
    },
    redeem({ response, redirectUri, codeVerifier, expectedState, expectedNonce }) {
      return guarded(async () => {
        const callback = new URL(redirectUri);
        callback.search = response.toString();
        const checks = { pkceCodeVerifier: codeVerifier, expectedState, expectedNonce, idTokenExpected: true };
        return toTokens(await oidc.authorizationCodeGrant(config, callback, checks, { redirect_uri: redirectUri }));
      });
    },
    refresh(refreshToken) {
      return guarded(async () => toTokens(await oidc.refreshTokenGrant(config, refreshToken), refreshToken));
    },
    revoke(refreshToken) {
      return guarded(() => oidc.tokenRevocation(config, refreshToken, { token_type_hint: "refresh_token" }));
    },
    logoutUrl(signOutUrl) {
      const url = new URL(`${domain}/logout`);
      url.search = new URLSearchParams({ client_id: options.clientId, logout_uri: signOutUrl }).toString();
      return url.href;
    },
  };
};

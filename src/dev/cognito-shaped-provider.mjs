// The certified OpenID Provider (oidc-provider) shaped like a Cognito user pool's hosted domain: Cognito's paths,
// RS256 tokens with Cognito's claims (token_use, username, cognito:groups, an origin_jti stable across refreshes),
// PKCE required. Dev mode's hosted login (hosted-login-provider.mjs) and the tests' stand-in
// (test/support/oidc-stand-in.mjs) both run this one configuration; each brings its own login page.
import { randomUUID } from "node:crypto";
import Provider from "oidc-provider";

const resourceScopes = "openid email profile aws.cognito.signin.user.admin";

/**
 * `account(sub)` answers what the provider knows of an account: `{ email?, groups? }`. `resource` names the pool's
 * own API (a resource indicator makes oidc-provider issue JWT access tokens).
 */
export const cognitoShapedProvider = ({ issuer, clients, privateJwk, resource, accessTokenTtl, idTokenTtl, interactionTtl, account }) => {
  const groupClaim = (sub) => {
    const groups = account(sub)?.groups ?? [];
    return groups.length > 0 ? { "cognito:groups": groups } : {};
  };
  return new Provider(issuer, {
    clients: clients.map(({ client_id, client_secret, redirect_uris }) => ({
      client_id,
      client_secret,
      redirect_uris,
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      // Cognito's ID tokens always say when the user signed in; the gateway refuses a sign-in older than the account's last security change.
      require_auth_time: true,
    })),
    jwks: { keys: [privateJwk] },
    cookies: { keys: [randomUUID()] },
    pkce: { required: () => true },
    routes: { authorization: "/oauth2/authorize", token: "/oauth2/token", revocation: "/oauth2/revoke", userinfo: "/oauth2/userInfo", jwks: "/.well-known/jwks.json", end_session: "/oidc/session/end" },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: resourceScopes, accessTokenFormat: "jwt", accessTokenTTL: accessTokenTtl, jwt: { sign: { alg: "RS256" } } }),
      },
    },
    scopes: ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
    claims: { openid: ["sub", "token_use", "cognito:username", "cognito:groups"], email: ["email"] },
    conformIdTokenClaims: false,
    issueRefreshToken: () => true,
    ttl: { AuthorizationCode: 300, IdToken: idTokenTtl, RefreshToken: 3600 * 24, Interaction: interactionTtl, Session: 3600, Grant: 3600 * 24 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, token_use: "id", "cognito:username": sub, ...(account(sub)?.email ? { email: account(sub).email } : {}), ...groupClaim(sub) }),
    }),
    // Cognito's access-token claims: token_use, username, groups, and an origin_jti stable across refreshes.
    extraTokenClaims: (_ctx, token) =>
      token.kind === "AccessToken" ? { token_use: "access", username: token.accountId, origin_jti: token.grantId, ...groupClaim(token.accountId) } : undefined,
  });
};

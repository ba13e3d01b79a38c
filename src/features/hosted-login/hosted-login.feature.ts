import { allow } from "graphql-shield";
import type { Feature } from "../feature";
import { OAuthResolver } from "./hosted-login.resolver";

/**
 * Hosted login (the pool's OAuth 2.0 code flow) for apps that run PKCE themselves. The browser routes
 * (/auth/login, /auth/callback, /auth/logout) are HTTP, not schema: COGNITO_DOMAIN and OAUTH_CALLBACK_URL turn them on.
 */
export const hostedLoginFeature: Feature = {
  name: "hosted-login",
  resolvers: [OAuthResolver],
  permissions: { Mutation: { exchangeAuthorizationCode: allow } },
  auditEvents: ["OAUTH_LOGIN"],
  errorReasons: ["HOSTED_LOGIN_NOT_CONFIGURED", "MFA_NOT_ENROLLED", "CROSS_ORIGIN", "STATE_INVALID", "GRANT_INVALID", "ID_TOKEN_INVALID", "AUTHORIZATION_DENIED"],
};

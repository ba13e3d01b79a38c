import { allow } from "graphql-shield";
import type { Feature } from "../feature";
import { AuthPayloadFields } from "./auth-result.resolver";
import { AuthResolver } from "./sign-in.resolver";

/** Register, confirm, login, MFA set-up and challenge, refresh, logout: always on. */
export const signInFeature: Feature = {
  name: "sign-in",
  resolvers: [AuthResolver, AuthPayloadFields],
  permissions: {
    Mutation: {
      register: allow,
      confirmSignUp: allow,
      resendConfirmationCode: allow,
      login: allow,
      beginMfaSetup: allow,
      completeMfaSetup: allow,
      respondToMfa: allow,
      refreshTokens: allow,
      // The session is found by the access token or, once that expired, by the refresh token alone.
      logout: allow,
    },
    types: { RegisterPayload: allow },
  },
  auditEvents: ["REGISTER", "CONFIRM_SIGN_UP", "RESEND_CONFIRMATION_CODE", "LOGIN", "MFA_SETUP_BEGIN", "MFA_SETUP_COMPLETE", "MFA_CHALLENGE", "TOKEN_REFRESH", "LOGOUT", "LOCKOUT"],
};

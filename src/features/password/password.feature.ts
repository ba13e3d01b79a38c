import { allow } from "graphql-shield";
import { signedIn } from "../../permissions/rules";
import type { Feature } from "../feature";
import { PasswordResolver } from "./password.resolver";

/** The policy, forgotten, changed, first (invited user) and expired passwords: always on (the login's challenges need it). */
export const passwordFeature: Feature = {
  name: "password",
  resolvers: [PasswordResolver],
  permissions: {
    Query: { passwordPolicy: allow },
    Mutation: {
      forgotPassword: allow,
      confirmForgotPassword: allow,
      completeNewPassword: allow,
      completeExpiredPassword: allow,
      changePassword: signedIn,
    },
    types: { PasswordPolicy: allow, PasswordRuleInfo: allow },
  },
  auditEvents: ["NEW_PASSWORD", "PASSWORD_RESET_REQUEST", "PASSWORD_RESET", "PASSWORD_CHANGE", "PASSWORD_EXPIRED_CHANGE"],
  errorReasons: ["CURRENT_PASSWORD_REQUIRED"],
};

import { allow } from "graphql-shield";
import { isAuthenticated, signedIn } from "../../permissions/rules";
import type { Feature } from "../feature";
import { AccountResolver } from "./account.resolver";

/** `requestEmailChange` sends mail to any address (mail bombing through our domain): at most this many per account per hour. */
export const emailChangesPerHour = 5;

/** The user's own changes: profile, email address (with its undo), authenticator reset, sign-out everywhere. */
export const accountFeature: Feature = {
  name: "account",
  resolvers: [AccountResolver],
  permissions: {
    Mutation: {
      resetMfa: signedIn,
      updateProfile: signedIn,
      requestEmailChange: signedIn,
      confirmEmailChange: signedIn,
      // The old address undoes a change without signing in (the single-use token is the proof).
      undoEmailChange: allow,
      logoutEverywhere: isAuthenticated,
    },
  },
  limits: { requestEmailChange: { name: "email-changes-by-user", points: emailChangesPerHour, durationSeconds: 3600 } },
  auditEvents: ["MFA_RESET_BEGIN", "PROFILE_UPDATE", "EMAIL_CHANGE_REQUEST", "EMAIL_CHANGE", "EMAIL_CHANGE_UNDO", "LOGOUT_EVERYWHERE"],
  errorReasons: ["UNDO_INVALID"],
};

import { allow } from "graphql-shield";
import { administrator, signedIn } from "../../permissions/rules";
import type { Feature } from "../feature";
import { PasskeysResolver } from "./passkeys.resolver";

/** Passkeys (WebAuthn): enrolment and management, sign-in and second factor, step-up, revocation by admins. */
export const passkeysFeature: Feature = {
  name: "passkeys",
  resolvers: [PasskeysResolver],
  permissions: {
    Query: { passkeys: signedIn, adminPasskeys: administrator },
    // Enrolment and management need a signed-in, active user (and a fresh second factor, checked by the
    // service); sign-in is open like login, its handles single use.
    Mutation: {
      beginPasskeyRegistration: signedIn,
      beginPasskeyStepUp: signedIn,
      completePasskeyRegistration: signedIn,
      renamePasskey: signedIn,
      removePasskey: signedIn,
      beginPasskeyLogin: allow,
      completePasskeyLogin: allow,
      beginPasskeyMfa: allow,
      respondWithPasskey: allow,
      adminRemovePasskey: administrator,
    },
    types: { Passkey: allow, PasskeyChallenge: allow },
  },
  factor: "webauthn",
  auditEvents: ["PASSKEY_REGISTER_BEGIN", "PASSKEY_REGISTER", "PASSKEY_RENAME", "PASSKEY_REMOVE", "PASSKEY_LOGIN_BEGIN", "PASSKEY_LOGIN", "PASSKEY_MFA_BEGIN", "PASSKEY_MFA", "PASSKEY_REFUSED", "ADMIN_LIST_PASSKEYS", "ADMIN_REMOVE_PASSKEY"],
  errorReasons: ["PASSKEYS_DISABLED", "NO_PASSKEY"],
};

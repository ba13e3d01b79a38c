import { allow } from "graphql-shield";
import { signedIn } from "../../permissions/rules";
import type { Feature } from "../feature";
import { RecoveryResolver } from "./recovery-codes.resolver";

/** Single-use recovery codes: generated with a fresh factor, answering the MFA step once instead of it. */
export const recoveryCodesFeature: Feature = {
  name: "recovery-codes",
  resolvers: [RecoveryResolver],
  permissions: {
    Query: { recoveryCodesLeft: signedIn },
    Mutation: { generateRecoveryCodes: signedIn, respondWithRecoveryCode: allow },
  },
  factor: "recovery-code",
  auditEvents: ["RECOVERY_CODES_GENERATE", "RECOVERY_CODE_LOGIN"],
  errorReasons: ["RECOVERY_CODES_DISABLED", "CODE_ALREADY_USED"],
};

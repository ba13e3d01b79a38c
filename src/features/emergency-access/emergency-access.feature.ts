import { allow } from "graphql-shield";
import { administrator, provider, signedIn } from "../../permissions/rules";
import type { Feature } from "../feature";
import { EmergencyResolver } from "./emergency-access.resolver";

/** Emergency ("break-glass") access: providers request and end grants, administrators list and review them. */
export const emergencyAccessFeature: Feature = {
  name: "emergency-access",
  resolvers: [EmergencyResolver],
  permissions: {
    Query: { emergencyAccesses: administrator },
    Mutation: {
      requestEmergencyAccess: provider,
      // Its holder or an administrator (the service answers NOT_FOUND for anyone else's grant).
      endEmergencyAccess: signedIn,
      reviewEmergencyAccess: administrator,
    },
    types: { EmergencyAccess: allow, EmergencyAccessConnection: allow },
  },
  auditEvents: ["EMERGENCY_ACCESS_REQUEST", "EMERGENCY_ACCESS_USED", "EMERGENCY_ACCESS_END", "EMERGENCY_ACCESS_REVIEW", "EMERGENCY_ACCESS_LIST", "EMERGENCY_ACCESS_ESCALATION", "EMERGENCY_ALERT_DEAD_LETTER"],
  errorReasons: ["EMERGENCY_ACCESS_DISABLED", "DURATION_TOO_LONG", "ALREADY_REVIEWED", "SELF_REVIEW"],
};

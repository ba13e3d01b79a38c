import { allow } from "graphql-shield";
import { administrator } from "../../permissions/rules";
import type { Feature } from "../feature";
import { AuditResolver } from "./audit-review.resolver";

/**
 * Administrators read the audit trail. Its reads are recorded as AUDIT_READ, a core event: the user's own
 * loginHistory (viewer) and the CLIs read the trail too.
 */
export const auditReviewFeature: Feature = {
  name: "audit-review",
  resolvers: [AuditResolver],
  permissions: {
    Query: { auditEvents: administrator },
    types: { AuditEntry: allow, AuditEntryConnection: allow },
  },
  auditEvents: [],
};

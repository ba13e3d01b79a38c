export { createSubgraphAuth, fetchJwks, type HeadersLike, type SubgraphAuth, type SubgraphAuthOptions } from "./subgraph-auth";
export { AssertionRefusedError, ForbiddenError, UnauthenticatedError, type AssertionFailure } from "./errors";
export { identityFromClaims, type SubgraphContext, type SubgraphIdentity } from "./identity";
export { assertionHeader, operationHash, type Operation } from "./protocol";
export { MemoryReplayStore, type Clock, type ReplayStore } from "./replay-store";
export { emergencyCovers, emergencyScopes, parseEmergencyClaim, toEmergencyClaimWire, type EmergencyClaim, type EmergencyClaimWire, type EmergencyScope } from "./emergency";
export { compositionPurpose, compositionQuery, isCompositionOperation } from "./composition";

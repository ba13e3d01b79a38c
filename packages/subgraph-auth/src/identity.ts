import { parseEmergencyClaim, type EmergencyClaim } from "./emergency";

/**
 * Who the gateway says the caller is: the same sub, groups and session id the gateway verified.
 * New claims are added as optional fields (e.g. `emergency` for break-glass access), so code written
 * against this type keeps compiling; claims this version does not know are ignored, never passed through.
 */
export type SubgraphIdentity = {
  /** The user's Cognito `sub`. */
  readonly sub: string;
  /** Verified `cognito:groups`, e.g. admin, provider, patient. */
  readonly groups: readonly string[];
  /** The gateway's login session (stable across token refreshes); for audit trails. */
  readonly sessionId: string;
  /** Present only while the session holds a live emergency ("break-glass") grant; see `ownOrEmergency`. */
  readonly emergency?: EmergencyClaim | undefined;
};

/** The context a subgraph builds per request: no identity for an anonymous caller (in "anonymous" mode). */
export type SubgraphContext = { identity: SubgraphIdentity | undefined };

/**
 * From the verified payload to the identity, claim by claim. Returns undefined when a required claim is
 * missing or mistyped. A new optional claim is one more line here and one optional field above.
 */
export const identityFromClaims = (payload: Readonly<Record<string, unknown>>, nowSeconds = Math.floor(Date.now() / 1000)): SubgraphIdentity | undefined => {
  const { sub, sid, groups } = payload;
  if (typeof sub !== "string" || sub === "" || typeof sid !== "string" || sid === "") return undefined;
  const identity = { sub, sessionId: sid, groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === "string") : [] };
  const emergency = parseEmergencyClaim(payload["emergency"], nowSeconds);
  return emergency ? { ...identity, emergency } : identity;
};

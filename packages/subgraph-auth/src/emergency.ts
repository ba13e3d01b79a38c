/**
 * Emergency ("break-glass") access as subgraphs see it: while a provider's session holds a live grant, the
 * gateway's assertion carries an `emergency` claim. This module reads it; `subgraphRules.ownOrEmergency`
 * (./shield) decides with it.
 */

/** What a grant lets a provider do: read records, or read and write them. */
export type EmergencyScope = "READ" | "READ_WRITE";
export const emergencyScopes: readonly EmergencyScope[] = ["READ", "READ_WRITE"];

/** The claim, read. `patientRef` undefined: the grant covers every patient. `expiresAt` in epoch seconds. */
export type EmergencyClaim = { readonly grantId: string; readonly scope: EmergencyScope; readonly patientRef: string | undefined; readonly expiresAt: number };

/** The claim as it travels in the assertion (short names, epoch seconds). */
export type EmergencyClaimWire = { gid: string; scope: EmergencyScope; pat?: string; exp: number };

export const toEmergencyClaimWire = (claim: EmergencyClaim): EmergencyClaimWire => ({
  gid: claim.grantId,
  scope: claim.scope,
  ...(claim.patientRef === undefined ? {} : { pat: claim.patientRef }),
  exp: claim.expiresAt,
});

const isScope = (value: unknown): value is EmergencyScope => typeof value === "string" && (emergencyScopes as readonly string[]).includes(value);

/**
 * Reads the claim from a verified assertion payload. Anything malformed, or past its expiry at `nowSeconds`,
 * is no grant at all (never an error: the caller is then just an ordinary provider).
 */
export const parseEmergencyClaim = (value: unknown, nowSeconds: number): EmergencyClaim | undefined => {
  if (typeof value !== "object" || value === null) return undefined;
  const { gid, scope, pat, exp } = value as Record<string, unknown>;
  if (typeof gid !== "string" || gid === "" || !isScope(scope) || typeof exp !== "number" || exp <= nowSeconds) return undefined;
  if (pat !== undefined && typeof pat !== "string") return undefined;
  return { grantId: gid, scope, patientRef: pat, expiresAt: exp };
};

/** Does the grant reach this patient with at least this scope? */
export const emergencyCovers = (claim: EmergencyClaim | undefined, patientRef: string, need: EmergencyScope = "READ"): boolean =>
  claim !== undefined && (claim.patientRef === undefined || claim.patientRef === patientRef) && (need === "READ" || claim.scope === "READ_WRITE");

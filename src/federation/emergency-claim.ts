import { GraphQLError } from "graphql";
import { rule } from "graphql-shield";

/**
 * What an emergency ("break-glass") grant lets a provider do: read records, or read and write them.
 * Kept free of gateway internals: subgraph teams import this through the subgraph helper.
 */
export type EmergencyScope = "READ" | "READ_WRITE";
export const emergencyScopes: readonly EmergencyScope[] = ["READ", "READ_WRITE"];

/**
 * The `emergency` claim of an identity assertion while the caller's session holds a live grant.
 * `patientRef` undefined: the grant covers every patient.
 */
export type EmergencyClaim = { grantId: string; scope: EmergencyScope; patientRef: string | undefined; expiresAt: number };

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
  if (typeof gid !== "string" || !isScope(scope) || typeof exp !== "number" || exp <= nowSeconds) return undefined;
  if (pat !== undefined && typeof pat !== "string") return undefined;
  return { grantId: gid, scope, patientRef: pat, expiresAt: exp };
};

/** Does the grant reach this patient with at least this scope? */
export const emergencyCovers = (claim: EmergencyClaim | undefined, patientRef: string, need: EmergencyScope = "READ"): boolean =>
  claim !== undefined && (claim.patientRef === undefined || claim.patientRef === patientRef) && (need === "READ" || claim.scope === "READ_WRITE");

/** The slice of a subgraph's context the emergency rule reads. */
type WithEmergency = { identity: { sub: string; groups: string[]; emergency?: EmergencyClaim | undefined } | undefined };

export type OwnOrEmergencyOptions<Args> = {
  /** The patient the field is about, from its arguments. */
  patientOf: (args: Args) => string;
  /** The ordinary rule: the caller's own record, an assigned patient, an administrator… */
  owns: (identity: NonNullable<WithEmergency["identity"]>, patientRef: string) => boolean | Promise<boolean>;
  /** Only members of these groups may use a grant (default: provider). */
  groups?: readonly string[];
  need?: EmergencyScope;
};

const forbidden = () => new GraphQLError("You are not allowed to do this.", { extensions: { code: "FORBIDDEN" } });
const unauthenticated = () => new GraphQLError("Authentication is required.", { extensions: { code: "UNAUTHENTICATED" } });

/**
 * Allowed when the ordinary rule allows, or when a live emergency grant covers the patient. The gateway
 * audits every request made under a grant (with its id); the subgraph may log the grant id too.
 */
export const ownOrEmergency = <Args = Record<string, unknown>>(name: string, options: OwnOrEmergencyOptions<Args>) =>
  rule(`ownOrEmergency:${name}`, { cache: "strict" })(async (_parent, args: Args, ctx: WithEmergency) => {
    const identity = ctx.identity;
    if (!identity) return unauthenticated();
    const patientRef = options.patientOf(args);
    if (await options.owns(identity, patientRef)) return true;
    const groups = options.groups ?? ["provider"];
    const member = groups.some((g) => identity.groups.includes(g));
    return member && emergencyCovers(identity.emergency, patientRef, options.need) ? true : forbidden();
  });

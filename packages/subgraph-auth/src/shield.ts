import { rule, type IRule } from "graphql-shield";
import { ForbiddenError, UnauthenticatedError } from "./errors";
import { emergencyCovers, type EmergencyScope } from "./emergency";
import type { SubgraphContext, SubgraphIdentity } from "./identity";

export type OwnOrEmergencyOptions<Args> = {
  /** The patient the field is about, from its arguments. */
  patientOf: (args: Args) => string;
  /** The ordinary rule: the caller's own record, an assigned patient, an administrator… */
  owns: (identity: SubgraphIdentity, patientRef: string) => boolean | Promise<boolean>;
  /** Only members of these groups may use a grant (default: provider). */
  groups?: readonly string[];
  /** What the field needs from a grant (default READ). */
  need?: EmergencyScope;
};

/**
 * Allowed when the ordinary rule allows, or when a live emergency grant of the caller's session covers the
 * patient. The gateway audits every request made under a grant (with its id); log `identity.emergency.grantId` too.
 */
const ownOrEmergency = <Args = Record<string, unknown>>(name: string, options: OwnOrEmergencyOptions<Args>): IRule =>
  rule(`ownOrEmergency:${name}`, { cache: "strict" })(async (_parent, args: Args, ctx: SubgraphContext) => {
    const identity = ctx.identity;
    if (!identity) return new UnauthenticatedError();
    const patientRef = options.patientOf(args);
    if (await options.owns(identity, patientRef)) return true;
    const member = (options.groups ?? ["provider"]).some((g) => identity.groups.includes(g));
    return member && emergencyCovers(identity.emergency, patientRef, options.need) ? true : new ForbiddenError();
  });

/**
 * Ready graphql-shield rules over `ctx.identity`, written as the gateway's are. Use them with
 * `shield(map, { fallbackRule: deny, allowExternalErrors: true })` and allow `_service` for composition.
 */
export const subgraphRules: {
  isAuthenticated: IRule;
  isAdmin: IRule;
  hasGroup: (...names: string[]) => IRule;
  ownOrEmergency: <Args = Record<string, unknown>>(name: string, options: OwnOrEmergencyOptions<Args>) => IRule;
} = {
  isAuthenticated: rule({ cache: "contextual" })((_p, _a, ctx: SubgraphContext) => (ctx.identity ? true : new UnauthenticatedError())),
  isAdmin: rule({ cache: "contextual" })((_p, _a, ctx: SubgraphContext) =>
    !ctx.identity ? new UnauthenticatedError() : ctx.identity.groups.includes("admin") ? true : new ForbiddenError(),
  ),
  /** Any one of the groups is enough. */
  hasGroup: (...names: string[]) =>
    rule(`hasGroup:${names.join(",")}`, { cache: "contextual" })((_p, _a, ctx: SubgraphContext) =>
      !ctx.identity ? new UnauthenticatedError() : names.some((n) => ctx.identity?.groups.includes(n)) ? true : new ForbiddenError(),
    ),
  ownOrEmergency,
};

import { and, rule } from "graphql-shield";
import type { GatewayContext } from "../context/gateway-context";
import type { GatewayError } from "../errors/error-codes";
import { decideAccess, type Requirement } from "../policy/access-policy";

/** Denials are auth events too: each is audited (with the field, never the arguments) before it is returned. */
const denied = async (ctx: GatewayContext, target: string, error: GatewayError): Promise<GatewayError> => {
  await ctx.audit.record(ctx.meta, {
    event: "PERMISSION_DENIED",
    outcome: "FAILURE",
    reason: error.extensions["reason"] ?? error.code,
    subject: ctx.identity?.sub,
    sessionId: ctx.identity?.sessionId,
    target,
  });
  return error;
};

type Info = { parentType: { name: string }; fieldName: string };
const fieldOf = (info: Info) => `${info.parentType.name}.${info.fieldName}`;

/** A shield rule that asks the one access policy (policy/access-policy.ts) and audits a refusal. */
const policyRule = (need: Requirement) =>
  rule({ cache: "contextual" })(async (_parent, _args, ctx: GatewayContext, info: Info) => {
    // Recorded once per request where the context found it (REQUEST_REFUSED), not once per rule.
    if (ctx.identity === undefined && ctx.stateUnknown) return ctx.stateUnknown.error;
    const decision = decideAccess(ctx.identity?.access, need);
    return decision.allowed ? true : denied(ctx, fieldOf(info), decision.error);
  });

/** A live, not idle session (logout, sign-out everywhere). */
export const isAuthenticated = policyRule("session");

/** Also an account that is not disabled, not locked and not due a password change. */
export const isActive = policyRule("active");

/** Also in `admin`, from the verified `cognito:groups` claim, never from a client-supplied value. */
export const isAdmin = policyRule({ group: "admin" });

/** Also in `provider` (emergency access). */
export const isProvider = policyRule({ group: "provider" });

/** What a rule of the permission map is (shield's own type is not exported by name). */
export type FieldRule = Parameters<typeof and>[number];

/** The combinations the permission entries of the features use. */
export const signedIn = and(isAuthenticated, isActive);
export const administrator = and(isAuthenticated, isActive, isAdmin);
export const provider = and(isAuthenticated, isActive, isProvider);

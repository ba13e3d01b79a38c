import { rule } from "graphql-shield";
import type { GatewayContext } from "../context/gateway-context";
import { ErrorCode, GatewayError, InactiveReason } from "../errors/error-codes";

/** Denials are auth events too: each is audited (with the field, never the arguments) before it is returned. */
const denied = async (ctx: GatewayContext, target: string, error: GatewayError): Promise<GatewayError> => {
  await ctx.audit.record(ctx.meta, {
    event: "PERMISSION_DENIED",
    outcome: "FAILURE",
    reason: String(error.extensions["reason"] ?? error.code),
    subject: ctx.identity?.sub,
    sessionId: ctx.identity?.sessionId,
    target,
  });
  return error;
};

type Info = { parentType: { name: string }; fieldName: string };
const fieldOf = (info: Info) => `${info.parentType.name}.${info.fieldName}`;

export const isAuthenticated = rule({ cache: "contextual" })(async (_parent, _args, ctx: GatewayContext, info: Info) =>
  ctx.identity ? true : denied(ctx, fieldOf(info), new GatewayError(ErrorCode.UNAUTHENTICATED)),
);

/**
 * Active = authenticated with a live, not idle session (both checked while building the context), and an
 * account that is not disabled, not locked and not due a password change.
 */
export const isActive = rule({ cache: "contextual" })(async (_parent, _args, ctx: GatewayContext, info: Info) => {
  const identity = ctx.identity;
  if (!identity) return denied(ctx, fieldOf(info), new GatewayError(ErrorCode.UNAUTHENTICATED));
  const reason = identity.disabled
    ? InactiveReason.ACCOUNT_DISABLED
    : identity.locked
      ? InactiveReason.ACCOUNT_LOCKED
      : identity.passwordExpired
        ? InactiveReason.PASSWORD_EXPIRED
        : undefined;
  return reason ? denied(ctx, fieldOf(info), new GatewayError(ErrorCode.FORBIDDEN, { reason })) : true;
});

/** From the verified `cognito:groups` claim, never from a client-supplied value. */
export const isAdmin = rule({ cache: "contextual" })(async (_parent, _args, ctx: GatewayContext, info: Info) =>
  ctx.identity?.groups.includes("admin") ? true : denied(ctx, fieldOf(info), new GatewayError(ErrorCode.FORBIDDEN)),
);

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

/** Active = authenticated, session live (checked while building the context) and account not disabled. */
export const isActive = rule({ cache: "contextual" })(async (_parent, _args, ctx: GatewayContext, info: Info) => {
  if (!ctx.identity) return denied(ctx, fieldOf(info), new GatewayError(ErrorCode.UNAUTHENTICATED));
  if (ctx.identity.disabled) {
    return denied(ctx, fieldOf(info), new GatewayError(ErrorCode.FORBIDDEN, { reason: InactiveReason.ACCOUNT_DISABLED }));
  }
  return true;
});

/** From the verified `cognito:groups` claim, never from a client-supplied value. */
export const isAdmin = rule({ cache: "contextual" })(async (_parent, _args, ctx: GatewayContext, info: Info) =>
  ctx.identity?.groups.includes("admin") ? true : denied(ctx, fieldOf(info), new GatewayError(ErrorCode.FORBIDDEN)),
);

import type { Caller } from "../auth/account-service";
import type { Identity } from "../auth/identity";
import type { GatewayContext } from "../context/gateway-context";
import { ErrorCode, GatewayError } from "../errors/error-codes";

/** The signed-in caller; shield has already checked, this only narrows the type. */
export const identityOf = (ctx: GatewayContext): Identity => {
  if (!ctx.identity) throw new GatewayError(ErrorCode.UNAUTHENTICATED);
  return ctx.identity;
};

export const callerOf = (ctx: GatewayContext): Caller => {
  if (!ctx.identity || !ctx.accessToken) throw new GatewayError(ErrorCode.UNAUTHENTICATED);
  return { identity: ctx.identity, accessToken: ctx.accessToken };
};

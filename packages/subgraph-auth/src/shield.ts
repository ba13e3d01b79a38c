import { rule, type IRule } from "graphql-shield";
import { ForbiddenError, UnauthenticatedError } from "./errors";
import type { SubgraphContext } from "./identity";

/**
 * Ready graphql-shield rules over `ctx.identity`, written as the gateway's are. Use them with
 * `shield(map, { fallbackRule: deny, allowExternalErrors: true })` and allow `_service` for composition.
 */
export const subgraphRules: { isAuthenticated: IRule; isAdmin: IRule; hasGroup: (...names: string[]) => IRule } = {
  isAuthenticated: rule({ cache: "contextual" })((_p, _a, ctx: SubgraphContext) => (ctx.identity ? true : new UnauthenticatedError())),
  isAdmin: rule({ cache: "contextual" })((_p, _a, ctx: SubgraphContext) =>
    !ctx.identity ? new UnauthenticatedError() : ctx.identity.groups.includes("admin") ? true : new ForbiddenError(),
  ),
  /** Any one of the groups is enough. */
  hasGroup: (...names: string[]) =>
    rule(`hasGroup:${names.join(",")}`, { cache: "contextual" })((_p, _a, ctx: SubgraphContext) =>
      !ctx.identity ? new UnauthenticatedError() : names.some((n) => ctx.identity?.groups.includes(n)) ? true : new ForbiddenError(),
    ),
};

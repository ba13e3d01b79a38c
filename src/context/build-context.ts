import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { GraphQLError } from "graphql";
import type { RequestMeta } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import { accountKey, flagsKey, parseAccount, parseFlags } from "../auth/account-records";
import type { Services } from "../auth/services";
import type { Identity } from "../auth/identity";
import { SessionRegistry } from "../auth/session-registry";
import { ErrorCode, GatewayError, TokenRejection, tokenRejected } from "../errors/error-codes";
import type { StateStore } from "../store/state-store";
import { readBearerToken } from "./bearer-token";
import type { GatewayContext } from "./gateway-context";
import type { AccessTokenVerifier } from "./token-verifier";

export type ContextDeps = {
  verifier: Pick<AccessTokenVerifier, "verify">;
  store: Pick<StateStore, "getMany">;
  services: Services;
  audit: Pick<AuditLog, "record">;
};

const requestIdShape = /^[A-Za-z0-9._-]{1,64}$/;

/** Accepts a caller's `x-request-id` when it is harmless to log, else makes one. */
export const requestIdOf = (req: IncomingMessage): string => {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && requestIdShape.test(given) ? given : randomUUID();
};

/** Apollo sends a GraphQLError thrown here with its HTTP status; formatError finds our error inside. */
const asGraphQLError = (error: GatewayError): GraphQLError =>
  new GraphQLError(error.message, { originalError: error, extensions: { code: error.code, http: { status: error.httpStatus ?? 500 } } });

/**
 * Bearer token → Identity, with no identity-provider call: signature and claims are checked against the
 * cached JWKS, then one store round trip tells whether the session is live and reads the account flags.
 */
export const createContextBuilder =
  (deps: ContextDeps) =>
  async ({ req, requestId }: { req: IncomingMessage; requestId: string }): Promise<GatewayContext> => {
    const userAgent = req.headers["user-agent"];
    const meta: RequestMeta = { requestId, ip: req.socket.remoteAddress, userAgent: userAgent?.slice(0, 256) };
    const base = { meta, services: deps.services, audit: deps.audit };
    try {
      const token = readBearerToken(req.headersDistinct["authorization"]);
      if (token === undefined) return { ...base, identity: undefined, accessToken: undefined };
      return { ...base, identity: await identify(deps, token), accessToken: token };
    } catch (error) {
      const gatewayError = error instanceof GatewayError ? error : new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, {}, undefined, error);
      if (gatewayError.code === ErrorCode.UNAUTHENTICATED) {
        await deps.audit.record(meta, { event: "TOKEN_REJECTED", outcome: "FAILURE", reason: String(gatewayError.extensions["reason"]) });
      }
      throw asGraphQLError(gatewayError);
    }
  };

const identify = async (deps: ContextDeps, token: string): Promise<Identity> => {
  const claims = await deps.verifier.verify(token);
  const [sessionId, rawAccount, rawFlags] = await deps.store.getMany([SessionRegistry.liveKeyFor(claims), accountKey(claims.sub), flagsKey(claims.sub)]);
  const account = parseAccount(rawAccount);
  // A session the gateway does not know (logged out, or a store that lost its state) is not accepted.
  if (sessionId === undefined || account === undefined) {
    throw tokenRejected(TokenRejection.TOKEN_REVOKED);
  }
  return { sub: claims.sub, sessionId, clientId: claims.clientId, groups: claims.groups, scopes: claims.scopes, expiresAt: claims.exp, account, disabled: parseFlags(rawFlags).disabled };
};

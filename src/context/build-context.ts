import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { GraphQLError } from "graphql";
import type { RequestMeta } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import type { Services } from "../auth/services";
import type { Identity } from "../auth/identity";
import { isTokenHandle } from "../auth/held-tokens";
import { decideAccess } from "../policy/access-policy";
import { createSharedTurn } from "../shared/shared-turn";
import { ErrorCode, GatewayError, TokenRejection, tokenRejected } from "../errors/error-codes";
import type { AggregatedRecords } from "../audit/aggregated-records";
import { readBearerToken } from "./bearer-token";
import { clientAddressOf } from "./client-address";
import { internalIdentityHeader, type InternalIdentityChannel } from "./internal-identity";
import type { CookieSessions } from "./cookie-session";
import type { GatewayContext } from "./gateway-context";
import type { AccessTokenVerifier } from "./token-verifier";

export type ContextDeps = {
  verifier: Pick<AccessTokenVerifier, "verify">;
  services: Services;
  audit: Pick<AuditLog, "record">;
  /** Rejected tokens and requests refused before any resolver: recorded aggregated, per address and reason. */
  rejections: Pick<AggregatedRecords, "note">;
  /** Proxies in front of the gateway that append to X-Forwarded-For (TRUST_PROXY_HOPS). */
  trustProxyHops: number;
  /** The internal auth subgraph: the supergraph (on loopback) tells it the client's address. */
  trustForwardedClientIp?: boolean;
  /** Gateway mode: the supergraph hands its verified identity to the internal auth subgraph (no second check). */
  internalIdentity?: InternalIdentityChannel;
  /** Hosted login for browser apps: a session cookie stands for the access token it keeps. */
  cookieSessions?: Pick<CookieSessions, "accessTokenFor">;
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

/** The internal auth subgraph opens the client address the supergraph sealed; nothing else reads that header. */
const openForwarded = (deps: ContextDeps) => {
  const channel = deps.internalIdentity;
  return deps.trustForwardedClientIp && channel ? (sealed: string) => channel.openAddress(sealed) : undefined;
};

/**
 * Bearer token → Identity, with no identity-provider call: signature and claims are checked against the
 * cached JWKS, then one store round trip tells whether the session is live and reads the account flags.
 */
export const createContextBuilder = (deps: ContextDeps) => {
  const nextTurn = createSharedTurn();
  return async ({ req, requestId }: { req: IncomingMessage; requestId: string }): Promise<GatewayContext> => {
    // One turn of the event loop before the work, shared by the requests read in the same poll phase: Node
    // takes in every socket's request first, then they advance together, stage by stage (BENCHMARKS.md).
    await nextTurn();
    const userAgent = req.headers["user-agent"];
    const meta: RequestMeta = { requestId, ip: clientAddressOf(req, { trustProxyHops: deps.trustProxyHops, openForwarded: openForwarded(deps) }), userAgent: userAgent?.slice(0, 256) };
    const base = { meta, services: deps.services, audit: deps.audit };
    let token: string | undefined;
    try {
      const bearer = readBearerToken(req.headersDistinct["authorization"]);
      // A handle stands for the provider's token, which is what the gateway checks and acts with from here on.
      const held = bearer !== undefined && isTokenHandle(bearer) ? await deps.services.heldTokens.access(bearer) : undefined;
      token = held?.token ?? bearer ?? (await deps.cookieSessions?.accessTokenFor(req, meta));
      if (token === undefined) return { ...base, identity: undefined, accessToken: undefined };
      const handedIn = deps.trustForwardedClientIp ? req.headers[internalIdentityHeader] : undefined;
      const forwarded = typeof handedIn === "string" ? deps.internalIdentity?.open(handedIn) : undefined;
      return { ...base, identity: forwarded ?? (await identify(deps, token, meta, held?.digest)), accessToken: token };
    } catch (error) {
      if (error instanceof AccountStateUnknown) {
        // Refused by every field that needs an identity (permissions/rules.ts); recorded once here, like any store
        // outage (aggregated, never waiting on a failing sink). A logout still acts.
        await deps.rejections.note(meta, { event: "REQUEST_REFUSED", outcome: "FAILURE", reason: error.error.extensions["reason"] ?? error.error.code, subject: error.sub });
        return { ...base, identity: undefined, accessToken: token, stateUnknown: { error: error.error, sub: error.sub, sessionId: error.sessionId } };
      }
      const gatewayError = error instanceof GatewayError ? error : new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, {}, undefined, error);
      if (gatewayError.code === ErrorCode.UNAUTHENTICATED) {
        await deps.rejections.note(meta, { event: "TOKEN_REJECTED", outcome: "FAILURE", reason: String(gatewayError.extensions["reason"]) });
      } else if (gatewayError.code === ErrorCode.SERVICE_UNAVAILABLE) {
        // The store is down: the refusal is still recorded (if the audit sink can take it).
        await deps.rejections.note(meta, { event: "REQUEST_REFUSED", outcome: "FAILURE", reason: gatewayError.extensions["reason"] ?? gatewayError.code });
      }
      throw asGraphQLError(gatewayError);
    }
  };
};

/** A genuine token whose account flags could not be read: no identity, but its session can still be ended. */
class AccountStateUnknown extends Error {
  constructor(
    readonly error: GatewayError,
    readonly sub: string,
    readonly sessionId: string | undefined,
  ) {
    super("account state unknown");
  }
}

/**
 * One store round trip for everything the access policy needs, then the policy's "session" answer: a
 * token whose session ended or went idle is UNAUTHENTICATED here (idle sessions are ended, audited first).
 * Account state (disabled, locked, password expired) travels in the Identity for the rules that ask "active".
 */
const identify = async (deps: ContextDeps, token: string, meta: RequestMeta, digest?: string): Promise<Identity> => {
  const claims = await deps.verifier.verify(token, digest);
  const { idle, sessions, access } = deps.services;
  const { state, sessionId, account, lastActive } = await access.forToken(claims).catch(async (error: unknown) => {
    // PostgreSQL (the lasting flags) did not answer; Redis, which holds the session, may still.
    if (!(error instanceof GatewayError) || error.extensions["reason"] !== "DATABASE_UNAVAILABLE") throw error;
    // Redis failing too is the store's own 503, never "no session" (a logout would then claim an end it did not make).
    throw new AccountStateUnknown(error, claims.sub, await sessions.sessionOfToken(claims));
  });
  const decision = decideAccess(state, "session");
  if (!decision.allowed) {
    if (sessionId !== undefined && state.idle) {
      await deps.audit.record(meta, { event: "IDLE_TIMEOUT", outcome: "SUCCESS", subject: claims.sub, sessionId });
      await sessions.end(sessionId);
    }
    throw decision.error;
  }
  if (sessionId === undefined || account === undefined || lastActive === undefined) throw tokenRejected(TokenRejection.TOKEN_REVOKED);
  await idle.touch(sessionId, lastActive);
  return { sub: claims.sub, sessionId, clientId: claims.clientId, groups: claims.groups, scopes: claims.scopes, expiresAt: claims.exp, account, access: state };
};

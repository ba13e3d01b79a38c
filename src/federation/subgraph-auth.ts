import { JwtVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { JwtBaseError, JwtExpiredError } from "aws-jwt-verify/error";
import { GraphQLError } from "graphql";
import { rule } from "graphql-shield";
import { webFetcher } from "../context/token-verifier";
import { systemClock, epochSeconds, type Clock } from "../shared/clock";
import { MemoryStore } from "../store/memory-store";
import type { StateStore } from "../store/state-store";
import { assertionHeader, operationHash, type AssertedIdentity } from "./identity-token";
import { parseEmergencyClaim } from "./emergency-claim";
export { emergencyCovers, ownOrEmergency, parseEmergencyClaim, type EmergencyClaim, type EmergencyScope } from "./emergency-claim";

/** What a subgraph knows about the caller: the same sub, groups and session id the gateway saw. */
export type SubgraphIdentity = AssertedIdentity;
export type SubgraphContext = { identity: SubgraphIdentity | undefined };

export type SubgraphAuthOptions = {
  /** The gateway's public keys, e.g. http://gateway:4000/.well-known/jwks.json */
  gatewayJwksUri: string;
  /** The gateway's issuer name (its FEDERATION_ISSUER). */
  issuer: string;
  /** This subgraph's name, as the gateway knows it. */
  audience: string;
  /** Without a valid assertion: refuse the request, or treat the caller as anonymous. */
  onMissingOrInvalid: "reject" | "anonymous";
  /** Where used `jti`s are remembered; share it (Redis) when the subgraph runs more than one instance. */
  replayStore?: Pick<StateStore, "setIfAbsent">;
  clockSkewSeconds?: number;
  clock?: Clock;
};

const refused = (reason: string) => new GraphQLError("The identity assertion is not valid.", { extensions: { code: "UNAUTHENTICATED", reason, http: { status: 401 } } });

/**
 * For subgraphs behind the gateway: verifies the identity assertion of a request (signature against the
 * gateway's JWKS, audience = this subgraph, expiry, the operation it was issued for, never seen before)
 * and returns the caller's identity.
 */
export const createSubgraphAuth = (options: SubgraphAuthOptions) => {
  const clock = options.clock ?? systemClock;
  const replays = options.replayStore ?? new MemoryStore(clock);
  const skew = options.clockSkewSeconds ?? 5;
  const verifier = JwtVerifier.create({ issuer: options.issuer, audience: options.audience, jwksUri: options.gatewayJwksUri, graceSeconds: skew }, { jwksCache: new SimpleJwksCache({ fetcher: webFetcher }) });

  const check = async (assertion: string, operation: { query: string; variables?: unknown }): Promise<SubgraphIdentity> => {
    let payload: Record<string, unknown>;
    try {
      payload = (await verifier.verify(assertion)) as Record<string, unknown>;
    } catch (error) {
      throw refused(error instanceof JwtExpiredError ? "EXPIRED" : error instanceof JwtBaseError ? "INVALID" : "UNVERIFIABLE");
    }
    if (payload["oph"] !== operationHash(operation.query, operation.variables)) throw refused("OPERATION_MISMATCH");
    const { jti, exp, sub, sid, groups } = payload;
    if (typeof jti !== "string" || typeof exp !== "number" || typeof sub !== "string" || typeof sid !== "string") throw refused("INVALID");
    const ttl = Math.max(1, exp + skew - epochSeconds(clock));
    if (!(await replays.setIfAbsent(`assertion-jti:${jti}`, "1", ttl))) throw refused("REPLAYED");
    return { sub, sessionId: sid, groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === "string") : [], emergency: parseEmergencyClaim(payload["emergency"], epochSeconds(clock)) };
  };

  return {
    /** Builds the subgraph's context from the request headers and the operation it carries. */
    async identify(headers: Record<string, string | string[] | undefined>, operation: { query: string; variables?: unknown }): Promise<SubgraphContext> {
      const value = headers[assertionHeader];
      const assertion = Array.isArray(value) ? undefined : value;
      try {
        if (!assertion) throw refused("MISSING");
        return { identity: await check(assertion, operation) };
      } catch (error) {
        if (options.onMissingOrInvalid === "anonymous") return { identity: undefined };
        throw error;
      }
    },
    hydrate: () => verifier.hydrate(),
  };
};

const forbidden = () => new GraphQLError("You are not allowed to do this.", { extensions: { code: "FORBIDDEN" } });
const unauthenticated = () => new GraphQLError("Authentication is required.", { extensions: { code: "UNAUTHENTICATED" } });

/** Ready shield rules for subgraph authors, written the same way as the gateway's. */
export const subgraphRules = {
  isAuthenticated: rule({ cache: "contextual" })((_p, _a, ctx: SubgraphContext) => (ctx.identity ? true : unauthenticated())),
  isAdmin: rule({ cache: "contextual" })((_p, _a, ctx: SubgraphContext) => (!ctx.identity ? unauthenticated() : ctx.identity.groups.includes("admin") ? true : forbidden())),
  hasGroup: (...names: string[]) =>
    rule(`hasGroup:${names.join(",")}`, { cache: "contextual" })((_p, _a, ctx: SubgraphContext) =>
      !ctx.identity ? unauthenticated() : names.some((n) => ctx.identity?.groups.includes(n)) ? true : forbidden(),
    ),
};

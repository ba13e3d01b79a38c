import { JwtVerifier } from "aws-jwt-verify";
import { FetchError, JwtBaseError, JwtExpiredError, NonRetryableFetchError } from "aws-jwt-verify/error";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import type { Fetcher } from "aws-jwt-verify/https";
import { compositionPurpose, isCompositionOperation } from "./composition";
import { AssertionRefusedError } from "./errors";
import { identityFromClaims, type SubgraphContext, type SubgraphIdentity } from "./identity";
import { assertionHeader, operationHash, type Operation } from "./protocol";
import { MemoryReplayStore, systemClock, type Clock, type ReplayStore } from "./replay-store";

export type SubgraphAuthOptions = {
  /** The gateway's public keys, e.g. http://gateway:4000/.well-known/jwks.json */
  gatewayJwksUri: string;
  /** The gateway's issuer name (its FEDERATION_ISSUER). */
  issuer: string;
  /** This subgraph's name, as the gateway knows it (its SUBGRAPHS entry). */
  audience: string;
  /** Without a valid assertion: refuse the request (401), or treat the caller as anonymous. */
  onMissingOrInvalid: "reject" | "anonymous";
  /** Where used `jti`s are remembered; share one (e.g. Redis) when the subgraph runs several instances. */
  replayStore?: ReplayStore;
  /** Allowed clock difference with the gateway (default 5 s). */
  clockSkewSeconds?: number;
  clock?: Clock;
  /** How the JWKS is fetched (default: `fetch` with a 3 s timeout). */
  fetcher?: Fetcher;
};

/** Request headers as Node (`req.headers`) or the Fetch API (`request.headers`, Yoga) hold them. */
export type HeadersLike = Readonly<Record<string, string | string[] | undefined>> | { get(name: string): string | null };

const headerValue = (headers: HeadersLike, name: string): string | undefined => {
  if (typeof headers.get === "function") return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const value = (headers as Readonly<Record<string, string | string[] | undefined>>)[name];
  // Two assertion headers is not something the gateway sends: refuse rather than pick one.
  return typeof value === "string" ? value : undefined;
};

/** JWKS over the platform's fetch, with a timeout: a hung gateway must not hang the subgraph. */
export const fetchJwks: Fetcher = {
  async fetch(uri: string): Promise<ArrayBuffer> {
    let response: Response;
    try {
      response = await fetch(uri, { signal: AbortSignal.timeout(3000) });
    } catch (error) {
      throw new FetchError(uri, error instanceof Error ? error.name : "network error");
    }
    if (response.status !== 200) throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
    return response.arrayBuffer();
  },
};

export type SubgraphAuth = {
  /** Verifies one assertion for the operation it came with; rejects with AssertionRefusedError. */
  verify(assertion: string, operation: Operation): Promise<SubgraphIdentity>;
  /**
   * The subgraph's context from a request's headers and operation. In "reject" mode a missing or invalid
   * assertion rejects with AssertionRefusedError; in "anonymous" mode it gives `{ identity: undefined }`.
   * Exactly `_service { sdl }` also passes with the gateway's composition assertion (no identity: composition
   * works in "reject" mode); that assertion is refused on every other operation.
   */
  identify(headers: HeadersLike, operation: Operation): Promise<SubgraphContext>;
  /** Loads the gateway's keys now (e.g. at start-up) instead of on the first request. */
  hydrate(): Promise<void>;
};

/**
 * For subgraphs behind the gateway: checks an identity assertion's signature against the gateway's JWKS,
 * its issuer, that its audience is this subgraph, its expiry, that it was issued for this very operation,
 * and that it was never seen before; then returns the caller's identity.
 */
export const createSubgraphAuth = (options: SubgraphAuthOptions): SubgraphAuth => {
  const clock = options.clock ?? systemClock;
  const replays = options.replayStore ?? new MemoryReplayStore(clock);
  const skew = options.clockSkewSeconds ?? 5;
  const verifier = JwtVerifier.create(
    { issuer: options.issuer, audience: options.audience, jwksUri: options.gatewayJwksUri, graceSeconds: skew },
    { jwksCache: new SimpleJwksCache({ fetcher: options.fetcher ?? fetchJwks }) },
  );

  /** Signature, issuer, audience, expiry and operation; the caller decides what the payload may be. */
  const checkedPayload = async (assertion: string, operation: Operation): Promise<Readonly<Record<string, unknown>>> => {
    let payload: Readonly<Record<string, unknown>>;
    try {
      payload = await verifier.verify(assertion);
    } catch (error) {
      throw new AssertionRefusedError(error instanceof JwtExpiredError ? "EXPIRED" : error instanceof JwtBaseError ? "INVALID" : "UNVERIFIABLE");
    }
    if (payload["oph"] !== operationHash(operation.query, operation.variables)) throw new AssertionRefusedError("OPERATION_MISMATCH");
    return payload;
  };

  /** Each assertion is good once: its jti is remembered until it could no longer verify anyway. */
  const spend = async (payload: Readonly<Record<string, unknown>>): Promise<void> => {
    const { jti, exp } = payload;
    if (typeof jti !== "string" || typeof exp !== "number") throw new AssertionRefusedError("INVALID");
    const ttl = Math.max(1, exp + skew - Math.floor(clock.now() / 1000));
    if (!(await replays.setIfAbsent(`assertion-jti:${jti}`, "1", ttl))) throw new AssertionRefusedError("REPLAYED");
  };

  /** A user's assertion becomes their identity; a purpose-bound one (composition) names no user, never. */
  const identityOf = async (payload: Readonly<Record<string, unknown>>): Promise<SubgraphIdentity> => {
    const identity = payload["purpose"] === undefined ? identityFromClaims(payload, Math.floor(clock.now() / 1000)) : undefined;
    if (!identity) throw new AssertionRefusedError("INVALID");
    await spend(payload);
    return identity;
  };

  const verify = async (assertion: string, operation: Operation): Promise<SubgraphIdentity> => identityOf(await checkedPayload(assertion, operation));

  /**
   * The gateway's own `_service { sdl }` request (composition) carries an assertion signed for that purpose
   * and that operation only; it is honoured on exactly `_service { sdl }`, with no identity.
   */
  const contextOf = async (assertion: string, operation: Operation): Promise<SubgraphContext> => {
    const payload = await checkedPayload(assertion, operation);
    if (payload["purpose"] === compositionPurpose && isCompositionOperation(operation.query)) {
      await spend(payload);
      return { identity: undefined };
    }
    return { identity: await identityOf(payload) };
  };

  return {
    verify,
    async identify(headers, operation) {
      try {
        const assertion = headerValue(headers, assertionHeader);
        if (!assertion) throw new AssertionRefusedError("MISSING");
        return await contextOf(assertion, operation);
      } catch (error) {
        if (options.onMissingOrInvalid === "anonymous" && error instanceof AssertionRefusedError) return { identity: undefined };
        throw error;
      }
    },
    hydrate: () => verifier.hydrate(),
  };
};

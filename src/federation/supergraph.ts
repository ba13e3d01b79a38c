import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { hardenedApolloOptions } from "../apollo/options";
import { clientIpHeader } from "../context/client-address";
import { internalIdentityHeader, type InternalIdentityChannel } from "../context/internal-identity";
import type { GatewayContext } from "../context/gateway-context";
import { ErrorCode, GatewayError, messageFor } from "../errors/error-codes";
import { formatError, isExpectedError } from "../errors/to-graphql-error";
import { Drain } from "../http/drain";
import type { BuiltGateway } from "../http/built-gateway";
import type { GatewayDeps } from "../http/gateway-deps";
import { mountGraphql } from "../http/graphql-route";
import { RequestRouter } from "../http/request-router";
import { createHttpShell } from "../http/shell";
import { subgraphFetcher } from "../http/subgraph-fetcher";
import { systemClock, type Clock } from "../shared/clock";
import type { SubgraphFaultSettings } from "../shared/settings";
import { CircuitBreaker } from "./circuit-breaker";
import { assertAccess } from "../policy/access-policy";
import { assertionHeader, type IdentityAsserter } from "./identity-token";

export type SubgraphTarget = { name: string; url: string };

/** Apollo Gateway's GraphQLDataSourceRequestKind.LOADING_SCHEMA (the enum is not exported as a value). */
const loadingSchema = "loading schema";

/** The internal subgraph that serves the gateway's own API. */
export const authSubgraphName = "auth";

/** Codes a product subgraph may answer with; its message is replaced by ours. */
const subgraphCodes = new Set<string>([ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.BAD_USER_INPUT, ErrorCode.NOT_FOUND]);
/** What the gateway lets through of its own auth subgraph's errors (they are already ours). */
const ownExtensions = ["code", "reason", "rules", "fields", "retryAfterSeconds"];

/**
 * Errors from subgraphs: the auth subgraph's are ours and pass as they are; a product subgraph's keep a
 * public code with our message, and anything else (its internal errors, timeouts, refusals) becomes
 * SERVICE_UNAVAILABLE. Never an upstream message.
 */
export const formatSupergraphError = (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
  const service = formatted.extensions?.["serviceName"];
  const givenCode = formatted.extensions?.["code"];
  const code = typeof givenCode === "string" ? givenCode : "";
  const base = { locations: formatted.locations, path: formatted.path };
  if (service === authSubgraphName && code in ErrorCode) {
    return { ...base, message: formatted.message, extensions: Object.fromEntries(ownExtensions.flatMap((k) => (formatted.extensions?.[k] === undefined ? [] : [[k, formatted.extensions[k]]]))) };
  }
  if (typeof service === "string") {
    if (subgraphCodes.has(code)) return { ...base, message: messageFor(code as ErrorCode), extensions: { code } };
    return { ...base, message: messageFor(ErrorCode.SERVICE_UNAVAILABLE), extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, reason: "SUBGRAPH_ERROR" } };
  }
  return formatError(formatted, raw);
};

/** A subgraph's typed answer (UNAUTHENTICATED, FORBIDDEN, …) is part of the API, not a failure to log. */
export const isExpectedSupergraphError = (error: GraphQLError): boolean => {
  const service = error.extensions["serviceName"];
  const code = typeof error.extensions["code"] === "string" ? error.extensions["code"] : "";
  if (service === authSubgraphName) return code in ErrorCode;
  if (typeof service === "string") return subgraphCodes.has(code);
  return isExpectedError(error);
};

/**
 * Adds what each subgraph may know: to the gateway's own auth subgraph, the user's token and address; to
 * every other subgraph, a fresh identity assertion for exactly the operation it receives, and no token.
 */
class IdentityForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly target: SubgraphTarget,
    private readonly asserter: IdentityAsserter,
    private readonly internalIdentity: InternalIdentityChannel | undefined,
    faults: SubgraphFaults,
  ) {
    // A subgraph that does not answer in time is an error of its own (SERVICE_UNAVAILABLE), not a hang; one
    // that keeps failing is not asked at all for a while (its breaker), so requests do not pile up behind it.
    super({ url: target.url, fetcher: guardedFetcher(target.name, faults) as never });
  }

  /** Requests sent under an emergency grant, by their (shared) http part, until their response is audited. */
  private readonly underGrant = new WeakMap<object, string>();

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const { request } = options;
    const headers = request.http?.headers;
    // Composition asks each subgraph `_service { sdl }`: signed for that purpose, so "reject" subgraphs answer too.
    if (headers && (options.kind as string) === loadingSchema && this.target.name !== authSubgraphName) {
      headers.set(assertionHeader, this.asserter.signComposition(this.target.name, { query: request.query ?? "", variables: request.variables }));
      return;
    }
    // Health checks and schema loads carry no request of a user: nothing to forward.
    if (!("incomingRequestContext" in options)) return;
    const { context } = options;
    if (!headers) return;
    headers.set("x-request-id", context.meta.requestId);
    // A token whose account state is unknown (PostgreSQL down) reaches only the auth subgraph (a logout still acts
    // there, which checks the token itself); anywhere else it is refused, never forwarded as anonymous.
    if (!context.identity && context.stateUnknown && this.target.name !== authSubgraphName) throw context.stateUnknown.error;
    if (this.target.name === authSubgraphName) {
      if (context.accessToken) headers.set("authorization", `Bearer ${context.accessToken}`);
      // The identity this request was already checked for: the auth subgraph does not verify and read it again.
      if (context.identity && this.internalIdentity) headers.set(internalIdentityHeader, this.internalIdentity.seal(context.identity));
      // Sealed: the internal listener is reachable by any process on the machine, which must not choose it.
      if (context.meta.ip && this.internalIdentity) headers.set(clientIpHeader, this.internalIdentity.sealAddress(context.meta.ip));
      if (context.meta.userAgent) headers.set("user-agent", context.meta.userAgent);
      return;
    }
    const identity = context.identity;
    if (identity) {
      // The one access policy decides here too: a subgraph never receives an assertion for an identity it refuses.
      assertAccess(identity.access, "active");
      // A live emergency grant of this session travels as a claim; the request is audited with its id first.
      const emergency = await context.services.emergency.grants.forward(identity, this.target.name, context.meta);
      if (emergency) this.underGrant.set(headers, emergency.grantId);
      const assertion = this.asserter.sign({ sub: identity.sub, groups: identity.groups, sessionId: identity.sessionId, emergency }, this.target.name, { query: request.query ?? "", variables: request.variables });
      headers.set(assertionHeader, assertion);
    }
  }

  override async didReceiveResponse({ request, response, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>["didReceiveResponse"]>>[0]) {
    await this.auditUnderGrant(request, context, response.errors?.length ? "FAILURE" : "SUCCESS");
    return response;
  }

  /**
   * A subgraph that cannot be reached (refused, reset, timed out) is SERVICE_UNAVAILABLE from that subgraph,
   * not a masked internal error; a request made under a grant gets its outcome record all the same.
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): ReturnType<RemoteGraphQLDataSource<GatewayContext>["process"]> {
    try {
      return await super.process(options);
    } catch (error) {
      // Our own refusals (the access policy in willSendRequest) and the subgraph's answers pass as they are.
      if (error instanceof GatewayError || error instanceof GraphQLError) throw error;
      // A health check's context is not a request's: nothing was sent under a grant then.
      const context = "services" in options.context ? (options.context as GatewayContext) : undefined;
      await this.auditUnderGrant(options.request, context, "FAILURE");
      throw new GraphQLError("The subgraph could not be reached.", { extensions: { code: "SUBGRAPH_UNREACHABLE", serviceName: this.target.name }, originalError: error instanceof Error ? error : undefined });
    }
  }

  private async auditUnderGrant(request: GraphQLDataSourceProcessOptions<GatewayContext>["request"], context: GatewayContext | undefined, outcome: "SUCCESS" | "FAILURE"): Promise<void> {
    const headers = request.http?.headers;
    const grantId = headers ? this.underGrant.get(headers) : undefined;
    if (!grantId || !headers || !context?.identity) return;
    this.underGrant.delete(headers);
    await context.services.emergency.grants.forwarded(context.identity, grantId, this.target.name, context.meta, outcome);
  }
}

export type SupergraphDeps = GatewayDeps & {
  authSubgraphUrl: string;
  subgraphs: SubgraphTarget[];
  /** A composed supergraph (production); without it the subgraphs are introspected and composed at start. */
  supergraphSdl?: string;
  asserter: IdentityAsserter;
  /** Per-subgraph deadline and circuit breaker (SUBGRAPH_TIMEOUT_MS, SUBGRAPH_BREAKER_*). */
  subgraphFaults?: SubgraphFaultSettings | undefined;
  clock?: Clock;
  onBreaker?: (subgraph: string, open: boolean) => void;
};

type SubgraphFaults = { settings: SubgraphFaultSettings; clock: Clock; onBreaker: (subgraph: string, open: boolean) => void };

const defaultFaults: SubgraphFaultSettings = { timeoutMs: 10_000, breakerFailures: 5, breakerOpenSeconds: 30 };

/**
 * The subgraph fetcher behind the subgraph's own breaker. Not the gateway's own auth subgraph: it is this
 * process on loopback, its answers (a 503 while Cognito is down) are the gateway's own, and each of its
 * dependencies has its own deadline.
 */
const guardedFetcher = (name: string, { settings, clock, onBreaker }: SubgraphFaults) => {
  const fetcher = subgraphFetcher(settings.timeoutMs);
  if (name === authSubgraphName) return fetcher;
  const breaker = new CircuitBreaker({ failures: settings.breakerFailures, openSeconds: settings.breakerOpenSeconds }, clock, (open) => onBreaker(name, open));
  return (...args: Parameters<typeof fetcher>) => breaker.run(() => fetcher(...args), (response) => response.status >= 500);
};

/** A supergraph that listens before it composes: `compose()` then loads the subgraphs and opens /graphql. */
export type ComposingGateway = BuiltGateway & { compose(): Promise<void> };

/**
 * Gateway mode: one endpoint serving the gateway's own API and the product's subgraphs. It must listen
 * (serving its JWKS) before composing: a subgraph in "reject" mode checks the signed `_service` request
 * against those keys. /graphql is mounted once composition succeeds (until then it is not found).
 */
export const createSupergraph = (deps: SupergraphDeps): Promise<ComposingGateway> => {
  const targets = [{ name: authSubgraphName, url: deps.authSubgraphUrl }, ...deps.subgraphs];
  const gateway = new ApolloGateway({
    supergraphSdl: deps.supergraphSdl ?? new IntrospectAndCompose({ subgraphs: targets }),
    // The auth subgraph is always this process's internal listener, whatever URL a static supergraph holds.
    buildService: ({ name, url }) => new IdentityForwardingDataSource({ name, url: name === authSubgraphName ? deps.authSubgraphUrl : String(url) }, deps.asserter, deps.internalIdentity, {
        settings: deps.subgraphFaults ?? defaultFaults,
        clock: deps.clock ?? systemClock,
        onBreaker: deps.onBreaker ?? (() => undefined),
      }),
  });
  const apollo = new ApolloServer<GatewayContext>({ gateway, formatError: formatSupergraphError, ...hardenedApolloOptions(deps, { logRequests: true, isExpectedError: isExpectedSupergraphError }) });
  const drain = new Drain();
  const app = createHttpShell({ ...deps, drain });
  const router = new RequestRouter(app, { corsConfigured: deps.corsOrigins.length > 0, drain });
  // Subgraphs verify assertions against these keys.
  app.get("/.well-known/jwks.json", (_req, res) => {
    res.set("cache-control", "public, max-age=300").json(deps.asserter.jwks());
  });
  let composed = false;
  // Until composition succeeds there is no API to answer with: a typed 503, not express's HTML 404.
  app.use("/graphql", (_req, res, next) => {
    if (composed) {
      next();
      return;
    }
    res.status(503).set("retry-after", "1").json({ errors: [{ message: messageFor(ErrorCode.SERVICE_UNAVAILABLE), extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } }] });
  });
  const compose = async () => {
    await apollo.start();
    mountGraphql(app, router, apollo, deps, false);
    composed = true;
  };
  return Promise.resolve({ app, listener: router.listener, apollo, drain, compose });
};

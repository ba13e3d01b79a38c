import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { GraphQLError, type ValidationRule } from "graphql";
import type { GatewayMetrics } from "../ops/metrics";
import type { Logger } from "../shared/logger";
import { httpStatusPlugin } from "./plugins/http-status";
import { requestLogger } from "./plugins/request-logger";
import { unexpectedErrorLogger } from "./plugins/unexpected-error-logger";
import { wwwAuthenticatePlugin } from "./plugins/www-authenticate";

/** Tokens a document may have; counted by graphql-js's own parser, so too many is a parse error (400). */
export const maxDocumentTokens = 1500;

/**
 * Limits on the shape of a document, before anything runs (graphql-armor). Its token limit is off: it
 * parses in a plugin hook, where a syntax error becomes HTTP 500; graphql-js's `maxTokens` does the same
 * job inside Apollo's own parse (GRAPHQL_PARSE_FAILED, 400).
 */
export const armorFor = (dev: boolean) =>
  new ApolloArmor({
    maxDepth: { n: 8 },
    maxAliases: { n: 15 },
    maxDirectives: { n: 10 },
    maxTokens: { enabled: false },
    costLimit: { maxCost: 5000 },
    blockFieldSuggestion: { enabled: !dev },
  }).protect();

/** The gateway serves no subscriptions: say so at validation (400), not as a masked execution error. */
const noSubscriptions: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === "subscription") context.reportError(new GraphQLError("Subscriptions are not supported.", { nodes: [node] }));
  },
});

/**
 * What every Apollo server of the gateway runs with (standalone, internal auth subgraph, supergraph):
 * document limits, no batching, no stack traces, introspection only in dev, masked-error logging, the
 * HTTP status of failed requests and, where it meets clients, request logs and metrics.
 */
export const hardenedApolloOptions = (deps: { dev: boolean; logger: Logger; metrics: GatewayMetrics }, options: { logRequests: boolean; isExpectedError?: (error: GraphQLError) => boolean }) => {
  const armor = armorFor(deps.dev);
  return {
    introspection: deps.dev,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationRules: [...armor.validationRules, noSubscriptions],
    parseOptions: { maxTokens: maxDocumentTokens },
    // main.ts owns shutdown (HTTP server, store, cognito-local); Apollo's own signal handler would race it.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Federated traces are for Apollo's cloud reporting, which the gateway does not use (and a subgraph
      // schema would otherwise switch them on and print "Enabling inline tracing" at every start).
      ApolloServerPluginInlineTraceDisabled(),
      ...(options.logRequests ? [requestLogger(deps.logger, deps.metrics)] : []),
      unexpectedErrorLogger(deps.logger, options.isExpectedError),
      // Not in the internal auth subgraph: Apollo Gateway reads any non-2xx answer from a subgraph as a
      // failed fetch (our typed errors would reach clients as INTERNAL_SERVER_ERROR); the supergraph sets it.
      ...(options.logRequests ? [httpStatusPlugin()] : []),
      wwwAuthenticatePlugin(),
      ...armor.plugins,
    ],
  };
};

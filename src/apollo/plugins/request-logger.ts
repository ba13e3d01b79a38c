import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "../../context/gateway-context";
import type { GatewayMetrics } from "../../ops/metrics";
import type { Logger } from "../../shared/logger";

/** One line per request: id, operation, duration, outcome; at debug also headers and (redacted) variables. */
export const requestLogger = (logger: Logger, metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> => ({
  async requestDidStart({ request, contextValue }) {
    const started = performance.now();
    if (logger.isLevelEnabled?.("debug") ?? true) {
      logger.debug({ requestId: contextValue.meta.requestId, req: { headers: Object.fromEntries(request.http?.headers ?? []) }, variables: request.variables }, "request");
    }
    return {
      async willSendResponse({ operationName, operation, response }) {
        // Metrics are labelled by the root field (bounded by the schema), never by the client-chosen name.
        const first = operation?.selectionSet.selections[0];
        const rootField = first?.kind === "Field" ? first.name.value : null;
        // The formatted errors: the codes the client saw.
        const sent = response.body.kind === "single" ? (response.body.singleResult.errors ?? []) : [];
        const codes = sent.map((e) => (typeof e.extensions?.["code"] === "string" ? e.extensions["code"] : "INTERNAL_SERVER_ERROR"));
        const durationMs = performance.now() - started;
        const outcome = codes.length ? "error" : "ok";
        metrics.observeRequest(rootField, outcome, durationMs / 1000);
        logger.info({ requestId: contextValue.meta.requestId, operationName: operationName ?? null, durationMs: Math.round(durationMs * 10) / 10, outcome, errorCodes: codes }, "graphql request");
      },
    };
  },
});

import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLError } from "graphql";
import type { GatewayContext } from "../../context/gateway-context";
import { isExpectedError } from "../../errors/to-graphql-error";
import type { Logger } from "../../shared/logger";

/**
 * Logs what the client only sees masked, with the request id that ties the two together. `expected`
 * tells answers that are part of the API (typed errors) from failures; gateway mode adds subgraphs' typed errors.
 */
export const unexpectedErrorLogger = (logger: Logger, expected: (error: GraphQLError) => boolean = isExpectedError): ApolloServerPlugin<GatewayContext> => ({
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        for (const error of errors) {
          if (expected(error)) continue;
          const cause = error.originalError ?? error;
          // The first stack line repeats the message, which may quote input: keep the frames only.
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the logger of last resort must not throw, even for a context built elsewhere (executeOperation) without meta.
          logger.error({ requestId: contextValue?.meta?.requestId, name: cause.name, stack: cause.stack?.split("\n").slice(1, 8).join("\n") }, "unexpected error (masked)");
        }
      },
    };
  },
});

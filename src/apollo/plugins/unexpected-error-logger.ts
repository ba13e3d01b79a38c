import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "../../context/gateway-context";
import { isExpectedError } from "../../errors/to-graphql-error";
import type { Logger } from "../../shared/logger";

/** Logs what the client only sees masked, with the request id that ties the two together. */
export const unexpectedErrorLogger = (logger: Logger): ApolloServerPlugin<GatewayContext> => ({
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        for (const error of errors) {
          if (isExpectedError(error)) continue;
          const cause = error.originalError ?? error;
          // The first stack line repeats the message, which may quote input: keep the frames only.
          logger.error({ requestId: contextValue?.meta?.requestId, name: cause.name, stack: cause.stack?.split("\n").slice(1, 8).join("\n") }, "unexpected error (masked)");
        }
      },
    };
  },
});

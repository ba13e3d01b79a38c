import type { ApolloServerPlugin } from "@apollo/server";
import { ErrorCode } from "../../errors/error-codes";

/** Request-level mistakes: the document or the HTTP request itself is wrong (nothing ran). */
const clientMistakes = new Set<string>([ErrorCode.GRAPHQL_PARSE_FAILED, ErrorCode.GRAPHQL_VALIDATION_FAILED, ErrorCode.BAD_REQUEST, ErrorCode.BAD_USER_INPUT]);

/**
 * The HTTP status says what the body's first error says, when nothing was answered (data null, or every
 * field asked for null with an error at it or without a path: a nullable field a subgraph could not answer): 400 for a
 * malformed or invalid request, 429 when throttled, 503 when a dependency is down (with Retry-After where
 * known), 401 for a refused token (set where the token is read). A partial answer stays 200.
 */
const nothingAnswered = (data: Record<string, unknown> | null | undefined, errors: readonly { path?: readonly (string | number)[] | undefined }[]): boolean =>
  data === undefined || data === null || Object.entries(data).every(([field, value]) => value === null && errors.some((e) => e.path === undefined || e.path[0] === field));

export const httpStatusPlugin = (): ApolloServerPlugin => ({
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== "single") return;
        const { data, errors } = response.body.singleResult;
        const first = errors?.[0];
        if (!first || !nothingAnswered(data, errors)) return;
        const givenCode = first.extensions?.["code"];
        const code = typeof givenCode === "string" ? givenCode : "";
        const retryAfter = first.extensions?.["retryAfterSeconds"];
        const status = clientMistakes.has(code) ? 400 : code === ErrorCode.TOO_MANY_REQUESTS ? 429 : code === ErrorCode.SERVICE_UNAVAILABLE ? 503 : undefined;
        if (status === undefined || (response.http.status ?? 200) === 401) return;
        response.http.status = status;
        if (typeof retryAfter === "number") response.http.headers.set("retry-after", String(retryAfter));
        else if (status === 503) response.http.headers.set("retry-after", "5");
      },
    };
  },
});

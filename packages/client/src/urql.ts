import { makeOperation, type CombinedError, type Exchange, type Operation, type OperationResult } from "@urql/core";
import { filter, fromPromise, fromValue, makeSubject, merge, mergeMap, pipe, share } from "wonka";
import type { AuthClient } from "./auth-client";
import { errorFromWire, isExpiredToken } from "./errors";

const RETRIED = "hipaaAuthRetried";

const withToken = (operation: Operation, token: string | null): Operation => {
  if (!token) return operation;
  const { fetchOptions } = operation.context;
  const options = typeof fetchOptions === "function" ? fetchOptions() : (fetchOptions ?? {});
  return makeOperation(operation.kind, operation, {
    ...operation.context,
    fetchOptions: { ...options, headers: { ...(options.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` } },
  });
};

const expired = (error: CombinedError | undefined): boolean => {
  const first = error?.graphQLErrors[0];
  return first !== undefined && isExpiredToken(errorFromWire({ message: first.message, extensions: first.extensions }));
};

/**
 * urql exchange: the client's access token (refreshed first when due) on every operation; an expired-token
 * answer refreshes once and re-executes the operation. Place it before fetchExchange:
 * `new Client({ url, exchanges: [authExchange(auth), fetchExchange] })` (after cacheExchange if you use one).
 */
export const authExchange =
  (auth: Pick<AuthClient, "getAccessToken" | "refreshTokens">): Exchange =>
  ({ forward }) =>
  (operations$) => {
    // Retries go straight back into this exchange's input (the client would drop a re-dispatch of a
    // query it still counts as in flight), as urql's own auth exchange does.
    const retries = makeSubject<Operation>();
    const shared$ = pipe(merge([operations$, retries.source]), share);
    const teardowns$ = pipe(
      shared$,
      filter((operation) => operation.kind === "teardown"),
    );
    const signed$ = pipe(
      shared$,
      filter((operation) => operation.kind !== "teardown"),
      mergeMap((operation) => fromPromise(auth.getAccessToken().then((token) => withToken(operation, token), () => operation))),
    );
    return pipe(
      forward(merge([signed$, teardowns$])),
      mergeMap((result): ReturnType<typeof fromValue<OperationResult | null>> => {
        const { operation } = result;
        if (operation.context[RETRIED] || !expired(result.error)) return fromValue(result);
        // Refresh, then run the operation again (it passes through this exchange again, now with the new token).
        return fromPromise(
          auth.refreshTokens().then(
            () => {
              retries.next(makeOperation(operation.kind, operation, { ...operation.context, [RETRIED]: true }));
              return null;
            },
            () => result,
          ),
        );
      }),
      filter((result): result is OperationResult => result !== null),
    );
  };

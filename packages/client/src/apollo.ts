import { ApolloLink } from "@apollo/client";
import { ServerError } from "@apollo/client/errors";
import { catchError, from, mergeMap, of, throwError, type Observable } from "rxjs";
import type { AuthClient } from "./auth-client";
import { errorFromWire, isExpiredToken } from "./errors";
import { parseGatewayBody } from "./transport";

/** An answer read as a result (HttpLink asks for application/graphql-response+json, so a 401 arrives as one). */
const expiredTokenResult = (result: ApolloLink.Result): boolean => {
  const first = "errors" in result ? result.errors?.[0] : undefined;
  return first !== undefined && isExpiredToken(errorFromWire(first));
};

/** The same answer when the transport turned it into a ServerError instead (plain application/json). */
const expiredTokenError = (error: unknown): boolean => {
  if (!ServerError.is(error) || error.statusCode !== 401) return false;
  try {
    parseGatewayBody(error.statusCode, error.bodyText);
    return false;
  } catch (parsed) {
    return isExpiredToken(parsed);
  }
};

/**
 * Apollo Client 4 link: puts the client's access token (refreshed first when due) on every operation, and on
 * an expired-token answer refreshes once and retries. Place it before the HttpLink:
 * `new ApolloClient({ link: ApolloLink.from([createAuthLink(auth), new HttpLink({ uri })]), cache })`.
 */
export const createAuthLink = (auth: Pick<AuthClient, "getAccessToken" | "refreshTokens">): ApolloLink =>
  new ApolloLink((operation, forward): Observable<ApolloLink.Result> => {
    const send = (token: string | null) => {
      operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({
        headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      }));
      return forward(operation);
    };
    // Refused as expired (a clock skew, or a token that expired in flight): refresh once, send again.
    const retry = () => from(auth.refreshTokens()).pipe(mergeMap((fresh) => send(fresh.accessToken)));
    return from(auth.getAccessToken()).pipe(
      mergeMap((token) =>
        send(token).pipe(
          mergeMap((result) => (token && expiredTokenResult(result) ? retry() : of(result))),
          catchError((error: unknown) => (token && expiredTokenError(error) ? retry() : throwError(() => error))),
        ),
      ),
    );
  });

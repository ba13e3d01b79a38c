import { ApolloLink } from "@apollo/client";
import { ServerError } from "@apollo/client/errors";
import { catchError, from, mergeMap, throwError, type Observable } from "rxjs";
import type { AuthClient } from "./auth-client";
import { isExpiredToken } from "./errors";
import { parseGatewayBody } from "./transport";

/** A 401 whose body says the access token expired (a clock skew, or a token that expired in flight). */
const expiredTokenAnswer = (error: unknown): boolean => {
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
    return from(auth.getAccessToken()).pipe(
      mergeMap((token) =>
        send(token).pipe(
          catchError((error: unknown) =>
            token && expiredTokenAnswer(error) ? from(auth.refreshTokens()).pipe(mergeMap((fresh) => send(fresh.accessToken))) : throwError(() => error),
          ),
        ),
      ),
    );
  });

import { HeaderMap, type ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";

/** RFC 6750 §3: a 401 names the scheme; when a token was presented and refused, also `invalid_token`. */
export const bearerChallenge = (tokenPresented: boolean): string => (tokenPresented ? 'Bearer error="invalid_token"' : "Bearer");

type HttpExtension = { status?: number; headers?: HeaderMap };

/**
 * Adds `WWW-Authenticate` to every 401. The gateway's 401s come from context creation (a token presented
 * and refused), which Apollo answers without running the request pipeline: there the header travels on
 * the error's `extensions.http`, which Apollo copies onto the response. Any 401 set later in the pipeline
 * gets it in willSendResponse.
 */
export const wwwAuthenticatePlugin = (): ApolloServerPlugin => ({
  async contextCreationDidFail({ error }) {
    if (!(error instanceof GraphQLError)) return;
    const http = error.extensions["http"] as HttpExtension | undefined;
    if (http?.status !== 401) return;
    // Only a presented Authorization header can make context creation refuse the caller.
    http.headers = new HeaderMap([...(http.headers ?? new HeaderMap()), ["www-authenticate", bearerChallenge(true)]]);
  },
  async requestDidStart({ request }) {
    const tokenPresented = Boolean(request.http?.headers.get("authorization"));
    return {
      async willSendResponse({ response }) {
        if (response.http.status === 401) response.http.headers.set("www-authenticate", bearerChallenge(tokenPresented));
      },
    };
  },
});

import { errorFromWire, GatewayUnreachableError } from "./errors";

export type FetchLike = (input: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

export type Transport = {
  /** Sends one operation; resolves with `data`, rejects with AuthGatewayError or GatewayUnreachableError. */
  send<T>(query: string, variables: Record<string, unknown>, accessToken?: string | null): Promise<T>;
};

/** Parses a gateway answer: data, or the first error as a typed error. Shared with the Apollo link and urql exchange. */
export const parseGatewayBody = <T>(status: number, text: string): T => {
  let body: { data?: T | null; errors?: { message?: unknown; extensions?: Record<string, unknown> }[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new GatewayUnreachableError(`The gateway did not answer with GraphQL (HTTP ${status}).`);
  }
  if (body.errors?.length) throw errorFromWire(body.errors[0], status);
  if (body.data === undefined || body.data === null) throw new GatewayUnreachableError(`The gateway answered without data (HTTP ${status}).`);
  return body.data;
};

/**
 * JSON over POST with `content-type: application/json` (the gateway's CSRF prevention needs it), the bearer
 * token when there is one, and nothing else: no cookies, no credentials mode, no client library.
 */
export const httpTransport = (url: string, fetchImpl: FetchLike, headers: Record<string, string> = {}): Transport => ({
  async send<T>(query: string, variables: Record<string, unknown>, accessToken?: string | null): Promise<T> {
    let response: Awaited<ReturnType<FetchLike>>;
    let text: string;
    try {
      response = await fetchImpl(url, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      text = await response.text();
    } catch (cause) {
      throw new GatewayUnreachableError("The gateway could not be reached.", { cause });
    }
    return parseGatewayBody<T>(response.status, text);
  },
});

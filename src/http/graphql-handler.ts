import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer } from "@apollo/server";
import getRawBody from "raw-body";
import type { GatewayContext } from "../context/gateway-context";
import { ErrorCode, messageFor } from "../errors/error-codes";
import { setApiSecurityHeaders } from "./api-headers";

/** What a GraphQL request may weigh (the express lane's body parser has the same limit). */
export const graphqlBodyLimitBytes = 64 * 1024;

type BuildContext = (req: IncomingMessage, requestId: string) => Promise<GatewayContext>;

/** The public error shape of a request refused before GraphQL (the same body malformed-request.ts sends). */
const refusalBody = (status: number): string => {
  const code = status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.BAD_REQUEST;
  const message = status === 413 ? "The request body is too large." : messageFor(code);
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
};

/**
 * Runs one GraphQL request through Apollo Server's own HTTP contract (`executeHTTPGraphQLRequest`) and
 * writes its answer with node:http's public response API, as @as-integrations/express5 does, minus what
 * express adds to every response (an ETag of the body) and the legacy `url.parse` of the query string.
 * The caller has set the headers it owns (security, request id): Apollo's are added to them.
 */
export const executeGraphql = async (apollo: ApolloServer<GatewayContext>, req: IncomingMessage, res: ServerResponse, body: unknown, requestId: string, buildContext: BuildContext): Promise<void> => {
  const url = req.url ?? "";
  const query = url.indexOf("?");
  const answer = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: (req.method ?? "GET").toUpperCase(), headers: headerMapOf(req), search: query === -1 ? "" : url.slice(query), body },
    context: () => buildContext(req, requestId),
  });
  // Answers may carry PHI: no cache-control hint (Apollo's, or a subgraph's passed on in gateway mode) turns
  // the API's `no-store` into something a cache may keep.
  for (const [name, value] of answer.headers) if (name !== "cache-control") res.setHeader(name, value);
  res.statusCode = answer.status ?? 200;
  if (answer.body.kind === "complete") {
    res.end(answer.body.string);
    return;
  }
  // Incremental delivery (not enabled by the gateway today): chunks as they come.
  for await (const chunk of answer.body.asyncIterator) res.write(chunk);
  res.end();
};

const headerMapOf = (req: IncomingMessage): HeaderMap => {
  const headers = new HeaderMap();
  for (const name in req.headers) {
    const value = req.headers[name];
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
};

/**
 * Which requests the request router (request-router.ts) hands straight to Apollo: the common `POST
 * /graphql` with a plain JSON body, without express's router, body parser and response helpers (a fifth of a
 * `me` request's CPU, BENCHMARKS.md). Anything else (GET, another content type or charset, a compressed
 * body, a cross-origin call when CORS is configured) goes to the express app, which answers it as before.
 */
export const takesFastLane = (req: IncomingMessage, corsConfigured: boolean): boolean => {
  if (req.method !== "POST") return false;
  const url = req.url;
  if (url !== "/graphql" && !url?.startsWith("/graphql?")) return false;
  const type = req.headers["content-type"]?.toLowerCase().replace(/\s+/g, "");
  if (type !== "application/json" && type !== "application/json;charset=utf-8") return false;
  const encoding = req.headers["content-encoding"];
  if (encoding !== undefined && encoding.toLowerCase() !== "identity") return false;
  return !(corsConfigured && req.headers.origin !== undefined);
};

export type FastLane = { apollo: ApolloServer<GatewayContext>; buildContext: BuildContext; requestIdOf: (req: IncomingMessage) => string; draining: () => boolean };

/** Serves a request `takesFastLane` accepted: the API's headers, the body (read as express.json reads it), then Apollo. */
export const serveFastLane = (lane: FastLane, req: IncomingMessage, res: ServerResponse): void => {
  const requestId = lane.requestIdOf(req);
  setApiSecurityHeaders(res);
  res.setHeader("x-request-id", requestId);
  // While the server drains, every response tells its client to close the connection (as drain.ts does).
  if (lane.draining()) res.setHeader("connection", "close");
  const refuse = (status: number) => {
    if (res.headersSent) return void res.destroy();
    res.statusCode = status;
    res.setHeader("content-type", "application/json; charset=utf-8");
    res.end(refusalBody(status));
  };
  readJsonObject(req).then(
    (body) => {
      if (typeof body === "number") {
        refuse(body);
        return;
      }
      executeGraphql(lane.apollo, req, res, body, requestId, lane.buildContext).catch(() => refuse(500));
    },
    () => res.destroy(),
  );
};

/**
 * The body as express.json (strict, utf-8, 64 kB; raw-body underneath, as there) and requireJsonObject read
 * it: an object, or the status of the refusal — 413 over the limit, 400 for a body that does not match its
 * length or is not a JSON object. An empty body is `{}` (Apollo then answers that the query is missing).
 */
const readJsonObject = async (req: IncomingMessage): Promise<object | number> => {
  let raw: Buffer;
  try {
    raw = await getRawBody(req, { limit: graphqlBodyLimitBytes, length: req.headers["content-length"] });
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status !== "number" || status >= 500) throw error;
    // Refused: the rest of the body is drained and dropped, as the express lane's parser does.
    req.resume();
    return status;
  }
  const text = raw.toString("utf8").replace(/^\uFEFF/, "");
  if (text.length === 0) return {};
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === "object" && body !== null && !Array.isArray(body) ? body : 400;
  } catch {
    return 400;
  }
};

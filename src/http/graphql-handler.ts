import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer } from "@apollo/server";
import type { GatewayContext } from "../context/gateway-context";
import { ErrorCode, messageFor } from "../errors/error-codes";
import { apiSecurityHeaders } from "./api-headers";

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
 * Runs one GraphQL request through Apollo and writes its answer: Apollo Server's own HTTP contract
 * (`executeHTTPGraphQLRequest`), as @as-integrations/express5 does it, minus what express adds to every
 * response (ETag of the body, content-type rewriting) and the legacy `url.parse` of the query string.
 * `headers` are written first (Apollo's win where both set one).
 */
export const executeGraphql = async (apollo: ApolloServer<GatewayContext>, req: IncomingMessage, res: ServerResponse, body: unknown, requestId: string, buildContext: BuildContext, headers: readonly string[]): Promise<void> => {
  const requestHeaders = new HeaderMap();
  for (const name in req.headers) {
    const value = req.headers[name];
    if (value !== undefined) requestHeaders.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const url = req.url ?? "";
  const query = url.indexOf("?");
  const answer = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: (req.method ?? "GET").toUpperCase(), headers: requestHeaders, search: query === -1 ? "" : url.slice(query), body },
    context: () => buildContext(req, requestId),
  });
  const out: string[] = [...headers];
  // Answers may carry PHI: no cache-control hint (Apollo's, or a subgraph's passed on in gateway mode) turns
  // the API's `no-store` into something a cache may keep.
  for (const [name, value] of answer.headers) if (name !== "cache-control") out.push(name, value);
  if (answer.body.kind === "complete") {
    out.push("content-length", String(Buffer.byteLength(answer.body.string)));
    res.writeHead(answer.status ?? 200, withoutDuplicates(out));
    res.end(answer.body.string);
    return;
  }
  // Incremental delivery (not enabled by the gateway today): chunks as they come.
  res.writeHead(answer.status ?? 200, withoutDuplicates(out));
  for await (const chunk of answer.body.asyncIterator) res.write(chunk);
  res.end();
};

/** A header set twice keeps its last value (Apollo's content-type over our default, for one). */
const withoutDuplicates = (flat: string[]): string[] => {
  const seen = new Map<string, number>();
  for (let i = 0; i < flat.length; i += 2) seen.set(flat[i]!, i);
  if (seen.size * 2 === flat.length) return flat;
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) if (seen.get(flat[i]!) === i) out.push(flat[i]!, flat[i + 1]!);
  return out;
};

/**
 * The fast lane takes the common request — `POST /graphql` with a plain JSON body — straight from
 * node:http, without express's router, body parser and response helpers (a fifth of a `me` request's CPU,
 * BENCHMARKS.md). Anything else (GET, another content type or charset, a compressed body, a cross-origin
 * call when CORS is configured) goes the express way, which answers it as before.
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

/** Serves a request `takesFastLane` accepted: the shell's headers, the body (as express.json + requireJsonObject would), then Apollo. */
export const serveFastLane = (lane: FastLane, req: IncomingMessage, res: ServerResponse): void => {
  const requestId = lane.requestIdOf(req);
  const headers = [...apiSecurityHeaders, "x-request-id", requestId];
  // While the server drains, every response tells its client to close the connection (as drain.ts does).
  if (lane.draining()) headers.push("connection", "close");
  const refuse = (status: number) => {
    if (res.headersSent) return void res.destroy();
    const body = refusalBody(status);
    res.writeHead(status, [...headers, "content-type", "application/json; charset=utf-8", "content-length", String(Buffer.byteLength(body))]);
    res.end(body);
  };
  readJsonObject(req, graphqlBodyLimitBytes).then(
    (body) => {
      if (typeof body === "number") {
        refuse(body);
        return;
      }
      executeGraphql(lane.apollo, req, res, body, requestId, lane.buildContext, headers).catch(() => refuse(500));
    },
    () => res.destroy(),
  );
};

/**
 * The body as express.json (strict, utf-8, 64 kB) and requireJsonObject read it: an object, or the status
 * of the refusal — 413 over the limit, 400 for anything that is not a JSON object. An empty body is `{}`
 * (Apollo then answers that the query is missing).
 */
const readJsonObject = (req: IncomingMessage, limit: number): Promise<object | number> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (declared > limit) {
      // Refused unread: the rest of the body is drained and dropped, as the express lane's parser does.
      req.resume();
      return resolve(413);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        resolve(413);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > limit) return;
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8").replace(/^\uFEFF/, "");
      if (text.length === 0) return resolve({});
      try {
        const body: unknown = JSON.parse(text);
        resolve(typeof body === "object" && body !== null && !Array.isArray(body) ? body : 400);
      } catch {
        resolve(400);
      }
    });
    req.on("error", reject);
  });

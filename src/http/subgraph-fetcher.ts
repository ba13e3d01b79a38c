import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** What Apollo Gateway's RemoteGraphQLDataSource reads of a subgraph's answer. */
export type SubgraphResponse = {
  ok: boolean;
  status: number;
  statusText: string;
  url: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
};

type SubgraphRequestInit = { method?: string; headers?: Record<string, string>; body?: string };

const headerOf = (res: IncomingMessage) => ({
  get(name: string): string | null {
    const value = res.headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  },
});

/**
 * The gateway's requests to its subgraphs, on node:http with keep-alive connections, instead of the global
 * fetch: fetch's web streams, Request/Response objects and abort signals were a fifth of a gateway-mode
 * request's CPU and much of its garbage (BENCHMARKS.md). One deadline covers the whole exchange (connect,
 * answer and body); when it passes, the request is destroyed and the fetch rejects, which the supergraph
 * reports as SERVICE_UNAVAILABLE, as before. No redirects are followed: a subgraph answers where it is.
 */
export const subgraphFetcher = (timeoutMs: number) => {
  // Idle connections are dropped after 4 s, before a Node subgraph's own 5 s keep-alive timeout closes them
  // under a request (which would reset it and answer SERVICE_UNAVAILABLE for nothing).
  const keepAlive = { keepAlive: true, timeout: 4000 };
  const agents = { http: new HttpAgent(keepAlive), https: new HttpsAgent(keepAlive) };
  const targets = new Map<string, URL>();
  return (url: string, init: SubgraphRequestInit = {}): Promise<SubgraphResponse> =>
    new Promise((resolve, reject) => {
      let target = targets.get(url);
      if (!target) {
        target = new URL(url);
        // Bounded: the subgraph URLs of the supergraph (a handful).
        if (targets.size < 100) targets.set(url, target);
      }
      const secure = target.protocol === "https:";
      const body = init.body ?? "";
      const headers: Record<string, string> = { ...init.headers, "content-length": String(Buffer.byteLength(body)) };
      const send = secure ? httpsRequest : httpRequest;
      const req = send({ protocol: target.protocol, hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: init.method ?? "POST", headers, agent: secure ? agents.https : agents.http });
      const deadline = setTimeout(() => req.destroy(new Error(`subgraph did not answer within ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: unknown) => {
        clearTimeout(deadline);
        reject(error);
      };
      req.on("error", fail);
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", fail);
        res.on("end", () => {
          clearTimeout(deadline);
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          resolve({ ok: status >= 200 && status < 300, status, statusText: res.statusMessage ?? "", url, headers: headerOf(res), text: () => Promise.resolve(text), json: () => new Promise<unknown>((settle) => settle(JSON.parse(text))) });
        });
      });
      req.end(body);
    });
};

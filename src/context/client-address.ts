import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

/** Header the supergraph uses to pass the client's address to the internal auth subgraph. */
export const clientIpHeader = "x-gateway-client-ip";

const loopback = (address: string | undefined) => address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";

/**
 * The client's address, as limits, lockout, audit and sessions all see it. Behind `trustProxyHops`
 * proxies that each append to X-Forwarded-For, it is the entry that many places from the right (the
 * address the outermost trusted proxy saw); entries further left are client-supplied and ignored. With no
 * trusted proxy (the default) it is the socket's address, and X-Forwarded-For is not read at all.
 */
export const clientAddressOf = (req: IncomingMessage, options: { trustProxyHops: number; trustForwardedClientIp: boolean }): string | undefined => {
  const remote = req.socket.remoteAddress;
  const forwardedByGateway = req.headers[clientIpHeader];
  if (options.trustForwardedClientIp && loopback(remote) && typeof forwardedByGateway === "string") return forwardedByGateway.slice(0, 64);
  if (options.trustProxyHops <= 0) return remote;
  const chain = (req.headersDistinct["x-forwarded-for"] ?? [])
    .join(",")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const candidate = chain[chain.length - options.trustProxyHops];
  return candidate !== undefined && isIP(candidate) ? candidate : remote;
};

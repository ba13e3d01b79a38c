import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

/** Header the supergraph uses to pass the client's address, sealed (internal-identity.ts), to the internal auth subgraph. */
export const clientIpHeader = "x-gateway-client-ip";

/**
 * The client's address, as limits, lockout, audit and sessions all see it. Behind `trustProxyHops`
 * proxies that each append to X-Forwarded-For, it is the entry that many places from the right (the
 * address the outermost trusted proxy saw); entries further left are client-supplied and ignored. With no
 * trusted proxy (the default) it is the socket's address, and X-Forwarded-For is not read at all.
 * On gateway mode's internal listener (`openForwarded` given) it is the address the supergraph sealed for
 * it; a value that does not open (any other loopback process) counts for nothing: the socket's address.
 */
export const clientAddressOf = (req: IncomingMessage, options: { trustProxyHops: number; openForwarded?: ((sealed: string) => string | undefined) | undefined }): string | undefined => {
  const remote = req.socket.remoteAddress;
  if (options.openForwarded) {
    const sealed = req.headers[clientIpHeader];
    return (typeof sealed === "string" ? options.openForwarded(sealed) : undefined) ?? remote;
  }
  if (options.trustProxyHops <= 0) return remote;
  const chain = (req.headersDistinct["x-forwarded-for"] ?? [])
    .join(",")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const candidate = chain[chain.length - options.trustProxyHops];
  return candidate !== undefined && isIP(candidate) ? candidate : remote;
};

import type { ServerResponse } from "node:http";

/**
 * The security headers of a JSON API answer (OWASP REST cheat sheet): HSTS, no MIME sniffing, no framing,
 * no caching, no referrer, and a CSP that allows nothing — the page-oriented directives helmet sends
 * (script, style, font, image sources) only mean something to HTML, which /graphql never returns. Built
 * once as a flat list: setting a dozen headers one by one, with helmet's per-request CSP assembly, was a
 * measurable share of a `me` request (BENCHMARKS.md).
 */
export const apiSecurityHeaders: readonly string[] = [
  "strict-transport-security",
  "max-age=31536000; includeSubDomains",
  "x-content-type-options",
  "nosniff",
  "content-security-policy",
  "default-src 'none'; frame-ancestors 'none'",
  "x-frame-options",
  "DENY",
  "referrer-policy",
  "no-referrer",
  "cross-origin-resource-policy",
  "same-origin",
  "cache-control",
  "no-store",
];

/** Sets the API headers on a response (the direct route to Apollo, and /graphql requests that go through express). */
export const setApiSecurityHeaders = (res: ServerResponse): void => {
  for (let i = 0; i < apiSecurityHeaders.length; i += 2) res.setHeader(apiSecurityHeaders[i]!, apiSecurityHeaders[i + 1]!);
};

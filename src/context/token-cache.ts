import { LRUCache } from "lru-cache";
import type { AccessClaims } from "../auth/token-claims";
import { epochSeconds, type Clock } from "../shared/clock";
import { sha256 } from "../shared/digest";
import type { AccessTokenVerifier } from "./token-verifier";

export type CachedVerifier = AccessTokenVerifier & { readonly stats: { hits: number; misses: number } };

/**
 * Verifying an RS256 signature on every request is the main cost of an authenticated request; a token
 * that verified once is remembered (by its digest) until it expires, within a bounded LRU. Only what the
 * signature proves is cached: whether the session is still live is checked on every request regardless.
 */
export const withTokenCache = (verifier: AccessTokenVerifier, options: { maxEntries: number; clock: Clock }): CachedVerifier => {
  const stats = { hits: 0, misses: 0 };
  if (options.maxEntries === 0) return Object.assign(verifier, { stats });
  const cache = new LRUCache<string, AccessClaims>({ max: options.maxEntries });
  return {
    stats,
    get hydrated() {
      return verifier.hydrated;
    },
    hydrate: () => verifier.hydrate(),
    async verify(token, digest) {
      // The token's SHA-256 (a heap dump holds no live token). A held token's comes with it, computed once per
      // token by HeldTokens: hashing a ~1 kB JWT on every request was 2 µs of it (BENCHMARKS.md).
      const key = digest ?? sha256(token);
      const cached = cache.get(key);
      if (cached && cached.exp > epochSeconds(options.clock)) {
        stats.hits++;
        return cached;
      }
      stats.misses++;
      const claims = await verifier.verify(token);
      cache.set(key, claims);
      return claims;
    },
  };
};

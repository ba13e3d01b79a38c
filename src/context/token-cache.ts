import { hash } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { AccessClaims } from "../auth/token-claims";
import { epochSeconds, type Clock } from "../shared/clock";
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
    async verify(token) {
      // The token's SHA-256 (a heap dump holds no live token); the one-shot hash costs half of createHash here.
      const key = hash("sha256", token, "base64url");
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

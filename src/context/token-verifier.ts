import { JwtRsaVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { FetchError, JwtBaseError, JwtExpiredError, JwksNotAvailableInCacheError } from "aws-jwt-verify/error";
import type { Fetcher } from "aws-jwt-verify/https";
import type { Jwks } from "aws-jwt-verify/jwk";
import { fetchJwks } from "@hipaa-auth-gateway/subgraph-auth";
import { ErrorCode, GatewayError, TokenRejection, tokenRejected } from "../errors/error-codes";
import { readAccessClaims, type AccessClaims } from "../auth/token-claims";

export interface AccessTokenVerifier {
  /** Resolves with the claims of a valid access token of our pool and client; rejects with GatewayError. */
  /** `digest`: the token's sha256 (shared/digest.ts) when the caller already has it (a held token's cache entry). */
  verify(token: string, digest?: string): Promise<AccessClaims>;
  /** Loads the JWKS (readiness waits for it). */
  hydrate(): Promise<void>;
  readonly hydrated: boolean;
}

export type VerifierOptions = {
  issuer: string;
  jwksUri: string;
  clientId: string;
  /** Pre-loaded keys (tests); the JWKS URI is still used for unknown key ids. */
  jwks?: Jwks;
  fetcher?: Fetcher;
};

/**
 * aws-jwt-verify's default fetcher is HTTPS-only; cognito-local serves its JWKS over plain HTTP. The subgraph
 * helper's fetcher (platform fetch, a 3 s timeout, the library's error types) is exactly what is needed here.
 */
export const webFetcher: Fetcher = fetchJwks;

/** One translation for the JWT boundary: expired, unavailable keys, or simply invalid. */
const translate = (error: unknown): GatewayError => {
  if (error instanceof GatewayError) return error;
  if (error instanceof JwtExpiredError) return tokenRejected(TokenRejection.TOKEN_EXPIRED, error);
  if (error instanceof FetchError || error instanceof JwksNotAvailableInCacheError) {
    return new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, { reason: "JWKS_UNAVAILABLE" }, undefined, error);
  }
  if (error instanceof JwtBaseError) return tokenRejected(TokenRejection.TOKEN_INVALID, error);
  return new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, {}, undefined, error);
};

/**
 * Signature (RS256 against the pool's JWKS), issuer, expiry, `token_use = access` and our client id.
 * Cognito access tokens carry no `aud`; the client is in `client_id`.
 */
export const createAccessTokenVerifier = (options: VerifierOptions): AccessTokenVerifier => {
  const jwksCache = new SimpleJwksCache({ fetcher: options.fetcher ?? webFetcher });
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- its successor JwtVerifier also accepts EC and EdDSA keys; the pool signs RS256 only, so the accepted algorithms stay RSA.
  const verifier = JwtRsaVerifier.create(
    {
      issuer: options.issuer,
      jwksUri: options.jwksUri,
      audience: null,
      graceSeconds: 0,
      customJwtCheck: ({ payload }) => {
        if (payload["token_use"] !== "access") throw tokenRejected(TokenRejection.TOKEN_INVALID);
        if (payload["client_id"] !== options.clientId) throw tokenRejected(TokenRejection.TOKEN_INVALID);
      },
    },
    { jwksCache },
  );
  let hydrated = false;
  if (options.jwks) {
    verifier.cacheJwks(options.jwks);
    hydrated = true;
  }
  return {
    get hydrated() {
      return hydrated;
    },
    async hydrate() {
      try {
        await verifier.hydrate();
        hydrated = true;
      } catch (error) {
        throw translate(error);
      }
    },
    async verify(token) {
      try {
        return readAccessClaims(await verifier.verify(token));
      } catch (error) {
        throw translate(error);
      }
    },
  };
};

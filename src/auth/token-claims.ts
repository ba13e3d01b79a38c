import { decomposeUnverifiedJwt } from "aws-jwt-verify/jwt";
import { ErrorCode, GatewayError } from "../errors/error-codes";

/** The claims the gateway relies on, read from an access token (verified or freshly issued by the provider). */
export type AccessClaims = {
  sub: string;
  /** Per-token id. */
  jti: string;
  /** Stable across refreshes on real Cognito; cognito-local does not set it. */
  originJti: string | undefined;
  exp: number;
  clientId: string | undefined;
  groups: string[];
  scopes: string[];
};

const str = (value: unknown): string | undefined => (typeof value === "string" && value.length > 0 ? value : undefined);

export const readAccessClaims = (payload: Record<string, unknown>): AccessClaims => {
  const sub = str(payload["sub"]);
  const jti = str(payload["jti"]);
  const exp = payload["exp"];
  if (!sub || !jti || typeof exp !== "number") {
    throw new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, {}, undefined, new Error("access token without sub/jti/exp"));
  }
  const groups = payload["cognito:groups"];
  return {
    sub,
    jti,
    originJti: str(payload["origin_jti"]),
    exp,
    clientId: str(payload["client_id"]),
    groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === "string") : [],
    scopes: (str(payload["scope"]) ?? "").split(" ").filter(Boolean),
  };
};

/** For tokens the gateway just received from the provider over its own TLS channel (OIDC §3.1.3.7). */
export const decodeIssuedAccessToken = (token: string): AccessClaims =>
  readAccessClaims(decomposeUnverifiedJwt(token).payload);

/** The id the gateway tracks a token by: the session's origin_jti where the provider sets one. */
export const tokenSessionKey = (claims: Pick<AccessClaims, "jti" | "originJti">): string => claims.originJti ?? claims.jti;

import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { compositionPurpose, operationHash, toEmergencyClaimWire, type EmergencyClaim } from "@hipaa-auth-gateway/subgraph-auth";
import { epochSeconds, type Clock } from "../shared/clock";

/** The wire contract (header name, operation hash) lives in the package subgraphs verify with. */
export { assertionHeader } from "@hipaa-auth-gateway/subgraph-auth";

export type SigningKey = { kid: string; privateKey: KeyObject; publicJwk: Record<string, unknown> };

const toSigningKey = (kid: string, privateKey: KeyObject): SigningKey => ({
  kid,
  privateKey,
  publicJwk: { ...createPublicKey(privateKey).export({ format: "jwk" }), kid, alg: "ES256", use: "sig" },
});

/** A fresh P-256 key (dev mode, tests). Production passes its keys in (see FEDERATION_SIGNING_KEYS). */
export const generateSigningKey = (kid = `dev-${randomUUID()}`): SigningKey => toSigningKey(kid, generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey);

/** `kid=PEM` pairs; the first signs, the rest are still published so assertions in flight verify during a rotation. */
export const signingKeysFromPem = (entries: readonly { kid: string; pem: string }[]): SigningKey[] => entries.map(({ kid, pem }) => toSigningKey(kid, createPrivateKey(pem)));

/** `emergency`: present only while the session holds a live emergency grant. */
export type AssertedIdentity = { sub: string; groups: string[]; sessionId: string; emergency?: EmergencyClaim | undefined };

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/**
 * Signs short-lived identity assertions for subgraphs: the user's Cognito token never leaves the gateway.
 * Each assertion names one subgraph (`aud`), lives `ttlSeconds` (≤ 60), has a unique `jti`, and carries the
 * hash of the operation it travels with, so it cannot be reused for another operation or subgraph.
 */
export class IdentityAsserter {
  constructor(private readonly deps: { keys: readonly SigningKey[]; issuer: string; clock: Clock; ttlSeconds?: number }) {
    if (deps.keys.length === 0) throw new Error("IdentityAsserter needs at least one signing key");
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: this.deps.keys.map((k) => k.publicJwk) };
  }

  sign(identity: AssertedIdentity, audience: string, operation: { query: string; variables: unknown }): string {
    return this.signed(audience, operation, {
      sub: identity.sub,
      groups: identity.groups,
      sid: identity.sessionId,
      ...(identity.emergency ? { emergency: toEmergencyClaimWire(identity.emergency) } : {}),
    });
  }

  /**
   * The gateway's own composition request (`_service { sdl }`): no user, `purpose: "composition"`, bound to
   * that operation, so a subgraph in "reject" mode can still be composed and nothing else is let through.
   */
  signComposition(audience: string, operation: { query: string; variables?: unknown }): string {
    return this.signed(audience, { query: operation.query, variables: operation.variables }, { purpose: compositionPurpose });
  }

  private signed(audience: string, operation: { query: string; variables: unknown }, claims: Record<string, unknown>): string {
    const key = this.deps.keys[0] as SigningKey;
    const now = epochSeconds(this.deps.clock);
    const header = { alg: "ES256", typ: "JWT", kid: key.kid };
    const payload = {
      iss: this.deps.issuer,
      aud: audience,
      ...claims,
      iat: now,
      exp: now + Math.min(60, this.deps.ttlSeconds ?? 60),
      jti: randomUUID(),
      oph: operationHash(operation.query, operation.variables),
    };
    const body = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    return `${body}.${b64url(sign("sha256", Buffer.from(body), { key: key.privateKey, dsaEncoding: "ieee-p1363" }))}`;
  }
}

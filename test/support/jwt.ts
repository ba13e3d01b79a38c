import { createHmac, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

export type JwtParts = { header: Record<string, unknown>; payload: Record<string, unknown> };

/** RS256 over header.payload with any key: lets tests forge exactly the token they need. */
export const signRs256 = ({ header, payload }: JwtParts, key: KeyObject): string => {
  const body = `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT", ...header }))}.${b64url(JSON.stringify(payload))}`;
  return `${body}.${b64url(sign("sha256", Buffer.from(body), key))}`;
};

export const signHs256 = ({ header, payload }: JwtParts, secret: string | Buffer): string => {
  const body = `${b64url(JSON.stringify({ ...header, alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(payload))}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
};

export const unsigned = ({ header, payload }: JwtParts): string =>
  `${b64url(JSON.stringify({ ...header, alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify(payload))}.`;

/** cognito-local's signing key ships in its package: valid signatures for tokens it never issued. */
export const cognitoLocalKey = (): KeyObject => {
  const file = require.resolve("cognito-local/lib/keys/cognitoLocal.private.json");
  const { jwk } = JSON.parse(readFileSync(file, "utf8")) as { jwk: Record<string, string> };
  return createPrivateKey({ key: jwk, format: "jwk" });
};

export const cognitoLocalPublicPem = (): string => {
  const file = require.resolve("cognito-local/lib/keys/cognitoLocal.public.json");
  return readFileSync(file, "utf8");
};

export const strangerKey = (): KeyObject => generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;

export const decodePayload = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;

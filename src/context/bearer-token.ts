import { TokenRejection, tokenRejected } from "../errors/error-codes";

/** Larger than any Cognito access token; anything bigger is refused before it is parsed. */
const maxTokenLength = 8192;
const jwtShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** The gateway's own opaque handle (src/auth/held-tokens.ts): 43 base64url characters, no dots. */
const handleShape = /^[A-Za-z0-9_-]{43}$/;

const invalid = () => tokenRejected(TokenRejection.TOKEN_INVALID);

/**
 * Reads the bearer token from the Authorization header values (Node keeps only the first of duplicate
 * Authorization headers in `headers`, so we look at every value). No header = anonymous (undefined).
 * Either a JWT (verified as the provider's access token) or a gateway handle standing for one.
 */
export const readBearerToken = (values: readonly string[] | undefined): string | undefined => {
  if (!values || values.length === 0) return undefined;
  if (values.length > 1) throw invalid();
  const match = /^Bearer +(\S+)$/i.exec(values[0]?.trim() ?? "");
  const token = match?.[1];
  if (!token || token.length > maxTokenLength || !(jwtShape.test(token) || handleShape.test(token))) throw invalid();
  return token;
};

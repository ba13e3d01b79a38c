/**
 * The payload of a JWT, decoded without verifying it: for display only. Pass the idToken: the accessToken is
 * an opaque gateway handle (no claims; `{}` here). Never make an access decision on it in the app; the
 * gateway verifies every token it receives.
 */
export const decodeClaims = (jwt: string): Record<string, unknown> => {
  const payload = jwt.split(".")[1];
  if (!payload) return {};
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof claims === "object" && claims !== null ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** `cognito:groups` of the idToken, for showing; empty when absent (and for the opaque accessToken). */
export const groupsOf = (jwt: string): string[] => {
  const groups = decodeClaims(jwt)["cognito:groups"];
  return Array.isArray(groups) ? groups.filter((g): g is string => typeof g === "string") : [];
};

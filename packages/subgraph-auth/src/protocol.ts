import { createHash } from "node:crypto";

/**
 * The wire contract between the gateway and its subgraphs. The gateway's signer imports these too, so
 * both sides cannot drift apart.
 */

/** The header a subgraph reads the gateway's identity assertion from. */
export const assertionHeader = "x-identity-assertion";

/** Binds an assertion to the exact operation sent to the subgraph (document and variables): claim `oph`. */
export const operationHash = (query: string, variables: unknown): string =>
  createHash("sha256").update(`${query}\n${JSON.stringify(variables ?? {})}`).digest("base64url");

/** The operation a request carries, as the subgraph received it. */
export type Operation = { query: string; variables?: unknown };

import { composeServices } from "@apollo/composition";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { compositionQuery } from "@hipaa-auth-gateway/subgraph-auth";
import { parse } from "graphql";
import { buildAuthSubgraphSchema } from "../features/build-subgraph-schema";
import type { Feature } from "../features/feature";
import { assertionHeader, type IdentityAsserter } from "./identity-token";
import { authSubgraphName, type SubgraphTarget } from "./supergraph";

/** Where the supergraph says the auth subgraph lives; the gateway routes it to its internal listener anyway. */
export const authSubgraphPlaceholderUrl = "http://auth-gateway.internal/graphql";

/** Signs each `_service { sdl }` request as the gateway does, so subgraphs in "reject" mode answer it. */
export type ComposeOptions = {
  asserter?: IdentityAsserter | undefined;
  /** The features the gateways serve (DISABLED_FEATURES); unset = all of them. */
  features?: readonly Feature[] | undefined;
};

const sdlOf = async (target: SubgraphTarget, options: ComposeOptions): Promise<string> => {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.asserter) headers[assertionHeader] = options.asserter.signComposition(target.name, { query: compositionQuery });
  let response: Response;
  try {
    response = await fetch(target.url, { method: "POST", headers, body: JSON.stringify({ query: compositionQuery }), signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new Error(`subgraph ${target.name} (${target.url}) could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) {
    const hint = response.status === 401 ? (options.asserter ? " (does it trust this gateway's FEDERATION_ISSUER and keys?)" : " (it refuses unsigned requests: set FEDERATION_SIGNING_KEYS and FEDERATION_ISSUER as the gateway has them)") : "";
    throw new Error(`subgraph ${target.name} refused _service { sdl }: HTTP ${response.status} ${response.statusText}${hint}`);
  }
  const body = (await response.json().catch(() => ({}))) as { data?: { _service?: { sdl?: string } } };
  const sdl = body.data?._service?.sdl;
  if (!sdl) throw new Error(`subgraph ${target.name} answered HTTP ${response.status} without _service { sdl }`);
  return sdl;
};

/** Composes the gateway's API with the product's subgraphs into a static supergraph SDL (for SUPERGRAPH_FILE). */
export const composeSupergraph = async (subgraphs: readonly SubgraphTarget[], options: ComposeOptions = {}): Promise<string> => {
  const auth = printSchemaWithDirectives(buildAuthSubgraphSchema(options.features));
  const services = [
    { name: authSubgraphName, url: authSubgraphPlaceholderUrl, typeDefs: parse(auth) },
    ...(await Promise.all(subgraphs.map(async (s) => ({ name: s.name, url: s.url, typeDefs: parse(await sdlOf(s, options)) })))),
  ];
  const result = composeServices(services);
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join("; ")}`);
  return result.supergraphSdl;
};

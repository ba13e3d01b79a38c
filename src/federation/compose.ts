import { composeServices } from "@apollo/composition";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { parse } from "graphql";
import { buildAuthSubgraphSchema } from "../schema/build-subgraph-schema";
import { authSubgraphName, type SubgraphTarget } from "./supergraph";

/** Where the supergraph says the auth subgraph lives; the gateway routes it to its internal listener anyway. */
export const authSubgraphPlaceholderUrl = "http://auth-gateway.internal/graphql";

const sdlOf = async (target: SubgraphTarget): Promise<string> => {
  const response = await fetch(target.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ _service { sdl } }" }), signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as { data?: { _service?: { sdl?: string } } };
  const sdl = body.data?._service?.sdl;
  if (!sdl) throw new Error(`subgraph ${target.name} did not answer _service { sdl }`);
  return sdl;
};

/** Composes the gateway's API with the product's subgraphs into a static supergraph SDL (for SUPERGRAPH_FILE). */
export const composeSupergraph = async (subgraphs: readonly SubgraphTarget[]): Promise<string> => {
  const auth = printSchemaWithDirectives(buildAuthSubgraphSchema());
  const services = [
    { name: authSubgraphName, url: authSubgraphPlaceholderUrl, typeDefs: parse(auth) },
    ...(await Promise.all(subgraphs.map(async (s) => ({ name: s.name, url: s.url, typeDefs: parse(await sdlOf(s)) })))),
  ];
  const result = composeServices(services);
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join("; ")}`);
  return result.supergraphSdl;
};

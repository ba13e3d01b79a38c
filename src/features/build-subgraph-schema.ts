import type * as Subgraph from "@apollo/subgraph";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { parse, type GraphQLSchema } from "graphql";
import { createResolversMap } from "type-graphql";
import type { Feature } from "./feature";
import { allFeatures } from "./features";
import { buildGatewaySchema } from "./build-schema";

/**
 * The gateway's own schema as a federation subgraph, so the supergraph serves it beside the product's
 * subgraphs from one endpoint. (`printSubgraphSchema` cannot read type-graphql schemas; the SDL is printed
 * with @graphql-tools and the resolvers taken from the built schema.)
 */
export const buildAuthSubgraphSchema = (features: readonly Feature[] = allFeatures): GraphQLSchema => {
  const schema = buildGatewaySchema(features);
  const sdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])\n${printSchemaWithDirectives(schema)}`;
  // Loaded only in gateway mode (the internal subgraph): a standalone gateway never needs @apollo/subgraph.
  const { buildSubgraphSchema } = require("@apollo/subgraph") as typeof Subgraph;
  return buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: createResolversMap(schema) as never });
};

import "reflect-metadata";
import { buildSchemaSync } from "type-graphql";
import { GraphQLSchema } from "graphql";
import { ErrorCodeEnum, ErrorReasonEnum } from "../schema/errors/error-enums";
import type { Feature, ResolverClass } from "./feature";
import { allFeatures } from "./features";

/**
 * The gateway's own schema, before permissions are applied: the resolvers of the given features (a feature
 * that is off is absent). schema.graphql is printed from every feature.
 */
export const buildGatewaySchema = (features: readonly Feature[] = allFeatures): GraphQLSchema => {
  const built = buildSchemaSync({
    resolvers: features.flatMap((feature) => feature.resolvers) as [ResolverClass, ...ResolverClass[]],
    // Without these, class-validator errors would echo the argument (the password) back to the client.
    validate: { forbidUnknownValues: false, validationError: { target: false, value: false } },
  });
  // No field returns the error enums (errors travel in `extensions`), so they join the schema as extra types.
  const config = built.toConfig();
  return new GraphQLSchema({ ...config, types: [...config.types, ErrorCodeEnum, ErrorReasonEnum] });
};

import { Kind, parse } from "graphql";
import { ConfigError } from "../config-error";
import type { Feature } from "./feature";
import { disabledOf, rootFieldsOf } from "./features";

const rootTypes = new Set(["Query", "Mutation"]);

/** The root fields a composed supergraph serves (its Query and Mutation, definitions and extensions). */
const servedRootFields = (sdl: string): Set<string> => {
  const fields = new Set<string>();
  for (const definition of parse(sdl).definitions) {
    if ((definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) && rootTypes.has(definition.name.value)) {
      for (const field of definition.fields ?? []) fields.add(field.name.value);
    }
  }
  return fields;
};

/**
 * A SUPERGRAPH_FILE is served as it was composed. One composed with a feature this gateway has off would
 * advertise the feature's fields to every client and plan calls to them (answered by the internal subgraph's
 * refusal as an unexpected error): start-up refuses it, naming the fields, instead.
 */
export const assertSupergraphFileServes = (sdl: string, enabled: readonly Feature[]): void => {
  const served = servedRootFields(sdl);
  const removed = disabledOf(enabled).flatMap((feature) => rootFieldsOf(feature).filter((field) => served.has(field)).map((field) => `${field} (${feature.name})`));
  if (removed.length > 0) {
    throw new ConfigError(`SUPERGRAPH_FILE serves fields of features DISABLED_FEATURES turns off: ${removed.join(", ")}. Compose it again with the same DISABLED_FEATURES (npm run compose).`);
  }
};

import { Kind, parse } from "graphql";
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
 * refusal as an unexpected error): start-up refuses it (app.ts), naming what this returns.
 */
export const fieldsOfDisabledFeatures = (sdl: string, enabled: readonly Feature[]): string[] => {
  const served = servedRootFields(sdl);
  return disabledOf(enabled).flatMap((feature) => rootFieldsOf(feature).filter((field) => served.has(field)).map((field) => `${field} (${feature.name})`));
};

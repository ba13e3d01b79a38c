import { Kind, parse, type SelectionSetNode } from "graphql";

/**
 * The `purpose` claim of the one assertion that carries no user: the gateway's own composition request.
 * Such an assertion never becomes an identity, and is honoured only on a `_service { sdl }` operation.
 */
export const compositionPurpose = "composition";

/** The composition query the gateway sends (Apollo Gateway's IntrospectAndCompose and `npm run compose`). */
export const compositionQuery = "query __ApolloGetServiceDefinition__ { _service { sdl } }";

const onlyField = (set: SelectionSetNode | undefined, name: string): SelectionSetNode | undefined | false => {
  const [first, ...rest] = set?.selections ?? [];
  if (rest.length > 0 || first?.kind !== Kind.FIELD || first.name.value !== name || first.alias || (first.arguments?.length ?? 0) > 0 || (first.directives?.length ?? 0) > 0) return false;
  return first.selectionSet;
};

/** True for a document that asks exactly `_service { sdl }` and nothing else (no fragments, no aliases). */
export const isCompositionOperation = (query: string): boolean => {
  let definitions;
  try {
    definitions = parse(query).definitions;
  } catch {
    return false;
  }
  const [operation, ...rest] = definitions;
  if (rest.length > 0 || operation?.kind !== Kind.OPERATION_DEFINITION || operation.operation !== "query") return false;
  if ((operation.variableDefinitions?.length ?? 0) > 0 || (operation.directives?.length ?? 0) > 0) return false;
  const service = onlyField(operation.selectionSet, "_service");
  if (!service) return false;
  return onlyField(service, "sdl") === undefined;
};

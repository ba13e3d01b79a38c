/**
 * A typed operation as GraphQL Code Generator emits it: with `documentMode: "string"` a TypedDocumentString
 * (a String carrying its result and variables types), or a DocumentNode that kept its source (`loc`). The
 * phantom `__apiType` is how both tell TypeScript the result (R) and variables (V).
 */
export type TypedOperation<R, V> = { __apiType?: (variables: V) => R };

export type DocumentInput<R, V> =
  | string
  // eslint-disable-next-line @typescript-eslint/no-wrapper-object-types -- codegen's TypedDocumentString extends the String object, not the primitive.
  | (String & TypedOperation<R, V>)
  | ({ kind: "Document"; loc?: { source: { body: string } } } & TypedOperation<R, V>);

/** The operation's text: the client has no GraphQL library, so a DocumentNode must carry its source. */
export const operationText = (document: DocumentInput<unknown, unknown>): string => {
  if (typeof document === "string") return document;
  if (document instanceof String) return document.toString();
  const body = document.loc?.source.body;
  if (!body) throw new TypeError("This DocumentNode has no source (loc): use codegen's documentMode \"string\", or pass the query text.");
  return body;
};

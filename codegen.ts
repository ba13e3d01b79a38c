import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * DateTime answers are ISO 8601 strings on the wire (and inputs take one): typed as string, and strictScalars
 * so a new custom scalar fails codegen until it is mapped here instead of silently becoming `any`.
 */
const scalars = { DateTime: "string" };

/** Typed documents for the integration tests and the client example app, from the committed schema.graphql. */
const config: CodegenConfig = {
  schema: "schema.graphql",
  generates: {
    "test/generated/graphql.ts": {
      documents: "test/operations/**/*.graphql",
      plugins: ["typescript-operations", "typed-document-node"],
      config: { useTypeImports: true, enumsAsTypes: true, scalars, strictScalars: true },
    },
    // Strings that carry their types: what @hipaa-auth-gateway/client's `request` takes (no GraphQL library needed).
    "examples/client-app/generated/graphql.ts": {
      documents: "examples/client-app/**/*.graphql",
      plugins: ["typescript-operations", "typed-document-node"],
      config: { useTypeImports: true, enumsAsTypes: true, documentMode: "string", scalars, strictScalars: true },
    },
  },
  hooks: {},
};

export default config;

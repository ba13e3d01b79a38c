import type { CodegenConfig } from "@graphql-codegen/cli";

/** Typed documents for the integration tests, from the committed schema.graphql. */
const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: "test/operations/**/*.graphql",
  generates: {
    "test/generated/graphql.ts": {
      plugins: ["typescript-operations", "typed-document-node"],
      config: { useTypeImports: true, enumsAsTypes: true },
    },
  },
  hooks: {},
};

export default config;

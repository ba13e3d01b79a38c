// @ts-check
/**
 * Lint: typescript-eslint's strictTypeChecked + stylisticTypeChecked on every TypeScript file we ship or run
 * (src/, packages/<name>/src and test, test/, bench/, deploy/aws/), with type information from the root
 * tsconfig.json and each package's (named programs: the project service took ~55 % more CPU on a clean clone).
 * `npm run lint` runs it (cached in node_modules/.cache/eslint); `npm test` runs it beside the typecheck. The goal is zero findings: fix the code; where a rule fights the stack it is turned
 * off below with its reason (docs/development.md, "Lint"). A disable comment in code needs a reason after `--`.
 */
import tseslint from "typescript-eslint";

/** A stored record must be parsed by a schema (src/shared/stored-record.ts), never trusted with a cast. */
const castParsedJson = {
  selector: "TSAsExpression[typeAnnotation.type!='TSUnknownKeyword'] > CallExpression[callee.object.name='JSON'][callee.property.name='parse']",
  message: "JSON.parse(...) as T trusts whatever was stored: parse it with a zod schema (parseStoredRecord) or type it unknown and check it.",
};

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**", "**/dist/**", "dist-*/**", "**/cdk.out/**", "coverage/**",
      "test/generated/**", // written by `npm run codegen`
      "test/e2e/scratch-app/**", // a separate app installed from tarballs by its test
      "**/*.js", "**/*.mjs", "**/*.cjs", // plain JavaScript (scripts, dev stand-ins) has no types to check
    ],
  },
  {
    files: ["**/*.ts"],
    extends: [...tseslint.configs.strictTypeChecked, ...tseslint.configs.stylisticTypeChecked],
    languageOptions: { parserOptions: { project: ["./tsconfig.json", "./packages/*/tsconfig.json"], tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A variable a closure reads before its one assignment (a test's clock set after the rig is built) cannot be const.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // Numbers in messages, keys and URLs are the common case; objects, undefined and null stay forbidden.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      // `() => res.end()` shorthand callbacks are idiomatic with Node/Express; a void value used in an expression stays an error.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      // type-graphql object types are classes that resolvers fill with plain objects: the schema comes from decorators, never instanceof.
      "@typescript-eslint/no-unsafe-class-instance-assignment": "off",
      // `type` aliases (unions, intersections, Pick<>-sized deps) and `interface` contracts are both used on purpose.
      "@typescript-eslint/consistent-type-definitions": "off",
      // `obj["key"]` marks a key read from an index signature (env, claims, extensions) that nothing has validated yet.
      "@typescript-eslint/dot-notation": "off",
      // Stylistic: rewriting `x as T` (T the non-null type) into `x!` changes no check.
      "@typescript-eslint/non-nullable-type-assertion-style": "off",
      // noUncheckedIndexedAccess types every index read as possibly undefined: `xs[i]!` inside a bounds-checked loop or
      // after a length check states what the compiler cannot see, without a runtime branch on the hot paths.
      "@typescript-eslint/no-non-null-assertion": "off",
      // ErrorCode and the type-graphql enums are string enums whose values equal the string unions they are compared
      // with or cast from (after a check such as `code in ErrorCode`); type-graphql needs TS enums for GraphQL enums.
      "@typescript-eslint/no-unsafe-enum-comparison": "off",
      "@typescript-eslint/no-unsafe-enum-assignment": "off",
      // Re-throwing (or rejecting with) a caught value as it came is right: it is typed unknown (or any, by a library), not a bad throw.
      "@typescript-eslint/only-throw-error": ["error", { allowThrowingUnknown: true, allowThrowingAny: true }],
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true, allowThrowingAny: true }],
      // Deliberate lazy loads in the CommonJS build: the ESM-only OpenID client, dev-only modules, start-up after the Node check, gateway mode's federation modules.
      "@typescript-eslint/no-require-imports": ["error", { allow: ["^openid-client$", "^\\./start$", "^\\./dev/", "/package\\.json$", "^\\./federation/supergraph$", "^@apollo/subgraph$"] }],
      // No-op callbacks and null objects (a silent logger, nothing to close, `.catch(() => {})` after the error was counted) are deliberate.
      "@typescript-eslint/no-empty-function": "off",
      // `_name` in a destructuring drops a field on purpose (the rest is kept).
      "@typescript-eslint/no-unused-vars": ["error", { varsIgnorePattern: "^_", argsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    // Stored records live in src/ (the client package only reads HTTP answers, and bundles no zod).
    files: ["src/**/*.ts"],
    rules: { "no-restricted-syntax": ["error", castParsedJson] },
  },
  {
    // Apollo's plugin hooks are typed to return promises; the in-memory StateStore mirrors Redis's asynchronous
    // contract, and `async` turns its synchronous bodies' throws (assertTtl) into the rejections the contract test expects.
    files: ["src/apollo/plugins/**/*.ts", "src/store/memory-store.ts"],
    rules: { "@typescript-eslint/require-await": "off" },
  },
  {
    // The client's and the benchmarks' GraphQL helpers return the type of the operation the caller names (the wire data is untyped).
    files: ["packages/client/src/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-unnecessary-type-parameters": "off" },
  },
  {
    // Tests: a looser subset. A wrong guess in a test fails the test, which is the check these rules stand in for.
    files: ["test/**/*.ts", "packages/*/test/**/*.ts"],
    rules: {
      // Test servers hand async request handlers to http.createServer; a rejection there fails the test.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      // Test doubles implement async interfaces with bodies that need no await.
      "@typescript-eslint/require-await": "off",
      // `expect(record?.field)` reads on values the types call present are the assertion itself.
      "@typescript-eslint/no-unnecessary-condition": "off",
      // pg rows, HTTP JSON bodies and CDK templates are typed `any` by their libraries; the assertions check them.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
    },
  },
);

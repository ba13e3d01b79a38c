import { defineConfig } from "tsdown";

// ESM (.mjs + .d.mts) and CommonJS (.cjs + .d.cts) from one source, shared code in common chunks so an
// error class is the same class from every entry point. Peers stay external.
export default defineConfig({
  entry: { index: "src/index.ts", apollo: "src/apollo.ts", urql: "src/urql.ts" },
  format: ["esm", "cjs"],
  dts: true,
  platform: "neutral",
  target: "es2020",
  outDir: "dist",
  clean: true,
  sourcemap: true,
  inputOptions: { checks: { pluginTimings: false } },
  fixedExtension: false,
  deps: { neverBundle: [/^@apollo\/client/, /^@urql\/core/, /^rxjs/, /^wonka/, /^graphql/] },
});

import { defineConfig } from "tsdown";

// ESM (.mjs + .d.mts) and CommonJS (.cjs + .d.cts) from one source; the error classes live in a shared
// chunk, so `instanceof AssertionRefusedError` holds across the two entry points. Peers stay external.
export default defineConfig({
  entry: { index: "src/index.ts", shield: "src/shield.ts" },
  format: ["esm", "cjs"],
  dts: true,
  platform: "node",
  target: "node22",
  outDir: "dist",
  clean: true,
  sourcemap: true,
  inputOptions: { checks: { pluginTimings: false } },
  fixedExtension: false,
  deps: { neverBundle: [/^graphql/, /^graphql-shield/, /^aws-jwt-verify/] },
});

// @simplewebauthn/server probes Web Crypto (ML-DSA): Node 24 answers each probe with an ExperimentalWarning.
// Workers inherit the environment and start without those lines (Node >= 22 knows the flag); a run in band
// is this very process, where exactly those warnings are dropped (as src/shared/quiet-warnings.ts does for the gateway).
if (Number(process.versions.node.split(".")[0]) >= 22 && !(process.env.NODE_OPTIONS ?? "").includes("--disable-warning=ExperimentalWarning")) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --disable-warning=ExperimentalWarning`.trim();
}
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  if (/Web Crypto API/.test(typeof warning === "string" ? warning : String(warning?.message))) return;
  emitWarning(warning, ...rest);
};

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // Workspace packages (packages/*) are imported from their TypeScript sources (a condition of their own, so no other package's "source" export is picked up).
  testEnvironmentOptions: { customExportConditions: ["node", "node-addons", "@hipaa-auth-gateway/source"] },
  roots: ["<rootDir>/test", "<rootDir>/packages"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
    "/node_modules/(openid-client|oauth4webapi|jose)/.+\\.js$": "<rootDir>/test/setup/esm-to-cjs.js",
  },
  // ESM-only packages are transformed (test/setup/esm-to-cjs.js); everything else in node_modules is not.
  transformIgnorePatterns: ["/node_modules/(?!(openid-client|oauth4webapi|jose)/)"],
  setupFiles: ["<rootDir>/test/setup/env.ts"],
  // cognito-local runs once for the whole run, as a child process (it is ESM-heavy and stateful).
  globalSetup: "<rootDir>/test/setup/global-setup.ts",
  globalTeardown: "<rootDir>/test/setup/global-teardown.ts",
  testTimeout: 60000,
  maxWorkers: 2,
};

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

/**
 * Four projects, chosen by folder and file name so a new test file lands in one without editing this file
 * (docs/development.md). `npm test` runs them all; `npm run test:unit` is the inner loop.
 *   unit        test/unit/**, packages/<name>/test/**: no services, no emulator
 *   browser     **\/*-browser.test.ts: a real Chromium (.ci/find-chromium), under CI never skipped
 *   slow        **\/*.slow.test.ts: statistical timing tests (many samples, need a quiet machine)
 *   integration test/{integration,attack,e2e,contract,process}/**: real cognito-local, Redis, PostgreSQL
 *   other       any other *.test.ts under test/ or packages/: runs like integration, so nothing is left out
 * test/unit/structure/jest-projects.test.ts checks that every test file is in exactly one project.
 */
// Absolute globs: jest expands <rootDir> only at the start of a pattern, not after a negating "!".
const at = (glob) => `${__dirname.replace(/\\/g, "/")}/${glob}`;
const slow = "**/*.slow.test.ts";
const browser = "**/*-browser.test.ts";
const unit = [at("test/unit/**/*.test.ts"), at("packages/*/test/**/*.test.ts")];
const integration = [at("test/{integration,attack,e2e,contract,process}/**/*.test.ts")];

/** @type {import('jest').Config} */
const shared = {
  testEnvironment: "node",
  // Workspace packages (packages/*) are imported from their TypeScript sources (a condition of their own, so no other package's "source" export is picked up).
  testEnvironmentOptions: { customExportConditions: ["node", "node-addons", "@hipaa-auth-gateway/source"] },
  roots: ["<rootDir>/test", "<rootDir>/packages"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
    "/node_modules/(openid-client|oauth4webapi|jose)/.+\\.js$": "<rootDir>/test/setup/esm-to-cjs.js",
    // The rest of node_modules: its hot globals bound once per module (the vm context makes each lookup slow).
    "/node_modules/.+\\.c?js$": "<rootDir>/test/setup/context-globals.js",
  },
  // ESM-only packages are rewritten to CommonJS (test/setup/esm-to-cjs.js); the rest only wrapped (context-globals.js).
  transformIgnorePatterns: [],
  setupFiles: ["<rootDir>/test/setup/env.ts"],
};

/**
 * cognito-local runs once for the whole run, as a child process (it is ESM-heavy and stateful). Every project
 * that needs it names the same files: jest runs a global setup once per distinct path, and only when a
 * selected test belongs to a project that names it (so `npm run test:unit` starts no emulator).
 */
const withServices = {
  ...shared,
  globalSetup: "<rootDir>/test/setup/global-setup.ts",
  globalTeardown: "<rootDir>/test/setup/global-teardown.ts",
};

const not = (globs) => globs.map((glob) => `!${glob}`);

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  maxWorkers: 2,
  projects: [
    { ...shared, displayName: "unit", testMatch: [...unit, ...not([slow, browser])], setupFiles: [...shared.setupFiles, "<rootDir>/test/setup/unit-env.ts"] },
    { ...withServices, displayName: "integration", testMatch: [...integration, ...not([slow, browser])] },
    { ...withServices, displayName: "browser", testMatch: [browser, ...not([slow])] },
    { ...withServices, displayName: "slow", testMatch: [slow] },
    { ...withServices, displayName: "other", testMatch: ["**/*.test.ts", ...not([...unit, ...integration, slow, browser])] },
  ],
};

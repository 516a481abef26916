// @ts-check
// Mutation testing of the kit's runtime files (npm run mutation): StrykerJS changes one operator,
// condition or literal at a time and runs the unit tests that cover it; a mutant no test notices
// is a gap in the tests. Slow (tens of minutes on two cores), so not part of npm test; the
// incremental file keeps reruns to what changed.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.mts", related: false },
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [
    "lib/authz/**/*.ts",
    // Dev-time and test-only code: not what an app runs.
    "!lib/authz/testing.ts",
    "!lib/authz/route-coverage-node.ts",
    "!lib/authz/tools/**",
    // Types only.
    "!lib/authz/types.ts",
    "!lib/authz/**/index.ts",
  ],
  // Stryker marks files `// @ts-nocheck` in its sandbox so mutants compile; only the kit's own,
  // not the documentation's examples, which a unit test compares with the docs byte for byte.
  disableTypeChecks: "lib/authz/**/*.ts",
  coverageAnalysis: "perTest",
  incremental: true,
  incrementalFile: "reports/mutation/incremental.json",
  concurrency: 2,
  timeoutMS: 10_000,
  // The first run of the whole unit suite, with coverage per test, on a loaded two-core machine.
  dryRunTimeoutMinutes: 30,
  thresholds: { high: 95, low: 90, break: null },
  reporters: ["clear-text", "progress", "json", "html"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};

export default config;

// @ts-check
// Type checking is done once by `tsc` in `npm test`; jest only strips types.
const transform = {
  "^.+\\.ts$": [
    "@swc/jest",
    { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
  ],
};
const common = {
  testEnvironment: "node",
  transform,
  // Relative imports name the compiled file (`./check.js`, as node16 module resolution wants); jest runs the source.
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/cdktf.out/"],
};

/** @type {import('jest').Config} */
module.exports = {
  // cdktn synthesis is CPU-bound; two workers match the two cores of CI.
  maxWorkers: 2,
  // One temporary folder for the run, removed at the end.
  globalSetup: "<rootDir>/testing/jest-global-setup.js",
  globalTeardown: "<rootDir>/testing/jest-global-teardown.js",
  projects: [
    {
      // In-process tests: no child process (testing/no-processes.js refuses one), no engine.
      ...common,
      displayName: "unit",
      roots: ["<rootDir>/__tests__"],
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: [
        "/node_modules/",
        "<rootDir>/dist/",
        "<rootDir>/__tests__/e2e/",
        "\\.process\\.test\\.ts$",
      ],
      setupFiles: ["<rootDir>/testing/no-processes.js"],
    },
    {
      // Tests that start processes (*.process.test.ts): git, tsc and npm for diff's
      // base, bin/all2all.js, the fake tofu, the DNS tools, the CI workflows' commands.
      ...common,
      displayName: "processes",
      roots: ["<rootDir>/__tests__"],
      testMatch: ["**/*.process.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "<rootDir>/dist/", "<rootDir>/__tests__/e2e/"],
      setupFiles: ["<rootDir>/testing/processes-allowed.js"],
    },
    {
      // The real OpenTofu and hcloud provider (npm run engine) against the
      // simulated Hetzner Cloud: run after the unit tests, one file at a time
      // (`npm test` runs this project with --runInBand).
      ...common,
      displayName: "e2e",
      setupFiles: ["<rootDir>/testing/processes-allowed.js"],
      roots: ["<rootDir>/__tests__/e2e"],
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/"],
    },
  ],
};

// @ts-check
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Type checking is done once by `tsc` in `npm test`; jest only strips types.
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/cdktf.out/"],
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/dist/"],
  // cdktn synthesis is CPU-bound; two workers match the two cores of CI.
  maxWorkers: 2,
  // One temporary folder for the run, removed at the end.
  globalSetup: "<rootDir>/testing/jest-global-setup.js",
  globalTeardown: "<rootDir>/testing/jest-global-teardown.js",
};

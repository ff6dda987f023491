// Removes the run's temporary folder (see jest-global-setup.js).

const fs = require("node:fs");

module.exports = async function globalTeardown() {
  const dir = process.env.ALL2ALL_TEST_TMPDIR;
  if (dir?.includes("all2all-jest-")) fs.rmSync(dir, { recursive: true, force: true });
};

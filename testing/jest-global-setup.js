// Gives the whole test run one temporary folder (TMPDIR, inherited by the
// workers), so that what tests and cdktn's Testing helpers leave in the
// temporary directory is removed by the teardown, even after a failure.

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

module.exports = async function globalSetup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-jest-"));
  process.env.ALL2ALL_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
};

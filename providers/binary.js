// @ts-check
/**
 * The engine the provider scripts (refresh.js, lock.js) run: `tofu` on PATH,
 * else `terraform`; without either, one line naming what to install, exit 2.
 */

const { spawnSync } = require("node:child_process");

/** @param {string} script the npm script, for the message (e.g. "providers:lock") */
function findBinary(script) {
  for (const bin of ["tofu", "terraform"]) {
    const found = spawnSync(bin, ["version"], { stdio: "ignore" });
    if (!found.error && found.status === 0) return bin;
  }
  console.error(`${script}: neither \`tofu\` nor \`terraform\` is on PATH; install OpenTofu (preferred) or Terraform`);
  process.exit(2);
}

module.exports = { findBinary };

#!/usr/bin/env node
// @ts-check
/**
 * Writes providers/hcloud/.terraform.lock.hcl: the checksums of the hcloud
 * provider release of providers/hcloud/VERSION for every platform operators
 * use, from the registry. Needs OpenTofu (or Terraform) on PATH and the
 * network; not run by tests or CI. synth copies the file into every stack, so
 * that `init` installs exactly this release (docs/provider-upgrade.md).
 *
 *   npm run providers:lock
 *
 * It runs, in a temporary directory with a configuration requiring exactly
 * that version:
 *   tofu providers lock -platform=linux_amd64 -platform=linux_arm64 -platform=darwin_arm64
 * and moves the lock file into place when it is complete.
 */

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { findBinary } = require("./binary");

const root = path.resolve(__dirname, "..");
const PLATFORMS = ["linux_amd64", "linux_arm64", "darwin_arm64"];

function main() {
  const version = fs.readFileSync(path.join(root, "providers", "hcloud", "VERSION"), "utf8").trim();
  const bin = findBinary("providers:lock");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-lock-"));
  try {
    fs.writeFileSync(
      path.join(tmp, "main.tf.json"),
      JSON.stringify({ terraform: { required_providers: { hcloud: { source: "hetznercloud/hcloud", version } } } }),
    );
    const args = ["providers", "lock", ...PLATFORMS.map((p) => `-platform=${p}`)];
    console.log(`providers:lock: ${bin} ${args.join(" ")} (hetznercloud/hcloud ${version})`);
    const r = spawnSync(bin, args, { cwd: tmp, stdio: "inherit", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
    if (r.status !== 0) {
      console.error(`providers:lock: ${bin} providers lock failed (exit ${r.status}); nothing written`);
      process.exit(1);
    }
    const dest = path.join(root, "providers", "hcloud", ".terraform.lock.hcl");
    fs.copyFileSync(path.join(tmp, ".terraform.lock.hcl"), `${dest}.tmp`);
    fs.renameSync(`${dest}.tmp`, dest);
    console.log(
      `providers:lock: wrote ${path.relative(process.cwd(), dest)}; review and commit it, then npm run synth`,
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();

#!/usr/bin/env node
// @ts-check
/**
 * Rebuilds providers/<name>/schema.json from the real provider, where OpenTofu
 * (or Terraform) and the network are available. Not run by tests or CI.
 *
 *   npm run providers:refresh                 # the version in cdktf.json's constraint, as locked by init
 *   npm run providers:refresh -- 1.69.0       # an exact version, for an upgrade
 *
 * Steps: write a throw-away configuration requiring hetznercloud/hcloud, run
 * `init` and `providers schema -json` in a temporary directory, strip the
 * descriptions (they change with every release and carry no facts the
 * validator needs), and write schema.json and VERSION atomically. Review the
 * diff, then `npm run get` regenerates the bindings (docs/provider-upgrade.md).
 */

const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { findBinary } = require("./binary");

const root = path.resolve(__dirname, "..");
const fqpn = "registry.terraform.io/hetznercloud/hcloud";
/** Documentation keys of a provider, block or attribute descriptor (never of a name map). */
const DESCRIPTION_KEYS = new Set(["description", "description_kind", "deprecation_message"]);
/** Maps whose keys are attribute or block names: an attribute may well be called "description". */
const NAME_MAPS = new Set([
  "attributes",
  "block_types",
  "resource_schemas",
  "data_source_schemas",
  "ephemeral_resource_schemas",
  "functions",
  "provider_schemas",
]);

function constraintFromCdktfJson() {
  const cfg = JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8"));
  const entry = (cfg.terraformProviders || []).find((p) => String(p).startsWith("hetznercloud/hcloud"));
  if (!entry) throw new Error("cdktf.json names no hetznercloud/hcloud provider");
  const at = String(entry).indexOf("@");
  return at < 0
    ? undefined
    : String(entry)
        .slice(at + 1)
        .trim();
}

/**
 * Removes the documentation strings of every descriptor, keeping every
 * attribute and block, whatever its name.
 * @param {unknown} value
 * @param {boolean} [isNameMap] whether the keys of `value` are names (attributes, blocks, types)
 * @returns {unknown}
 */
function stripDescriptions(value, isNameMap = false) {
  if (Array.isArray(value)) return value.map((v) => stripDescriptions(v));
  if (value && typeof value === "object") {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (!isNameMap && DESCRIPTION_KEYS.has(k)) continue;
      // A cty type (["object", {name: type}]) holds names, never documentation.
      out[k] = !isNameMap && k === "type" ? v : stripDescriptions(v, !isNameMap && NAME_MAPS.has(k));
    }
    return out;
  }
  return value;
}

/** @param {string} file @param {string} content */
function writeAtomic(file, content) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

function main() {
  const args = process.argv.slice(2);
  if (args.length > 1 || (args[0] && !/^\d+\.\d+\.\d+$/.test(args[0]))) {
    console.error(`providers:refresh: expected at most one exact version like 1.69.0, got: ${args.join(" ")}`);
    process.exit(2);
  }
  const version = args[0] || constraintFromCdktfJson();
  const bin = findBinary("providers:refresh");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-schema-"));
  try {
    const required = version
      ? `source = "hetznercloud/hcloud"\n      version = "${version}"`
      : `source = "hetznercloud/hcloud"`;
    fs.writeFileSync(
      path.join(work, "main.tf"),
      `terraform {\n  required_providers {\n    hcloud = {\n      ${required}\n    }\n  }\n}\n`,
    );
    const step = (
      /** @type {string[]} */ args,
      /** @type {import("node:child_process").ExecFileSyncOptions} */ opts,
    ) => {
      try {
        return execFileSync(bin, args, opts);
      } catch (err) {
        const status = /** @type {{ status?: number }} */ (err).status;
        throw new OneLine(
          `providers:refresh: \`${bin} ${args.join(" ")}\` failed${status === undefined ? "" : ` (exit ${status})`}` +
            (args[0] === "init" ? ": it downloads the provider, so it needs the registry (network access); " : "; ") +
            "nothing was written",
        );
      }
    };
    step(["init", "-input=false", "-no-color"], { cwd: work, stdio: ["ignore", "inherit", "inherit"] });
    const raw = /** @type {Buffer} */ (
      step(["providers", "schema", "-json"], { cwd: work, maxBuffer: 256 * 1024 * 1024 })
    );
    const schema = /** @type {any} */ (stripDescriptions(JSON.parse(raw.toString("utf8"))));
    // OpenTofu names its own registry; the committed schema keeps one provider address.
    const key = Object.keys(schema.provider_schemas || {}).find((k) => k.endsWith("/hetznercloud/hcloud"));
    if (!key) throw new Error(`${bin} printed no schema for hetznercloud/hcloud`);
    const lock = fs.readFileSync(path.join(work, ".terraform.lock.hcl"), "utf8");
    const locked =
      /provider "registry\.(?:terraform|opentofu)\.org\/hetznercloud\/hcloud" \{\s*version\s*=\s*"([^"]+)"/.exec(lock);
    if (!locked) throw new Error("cannot read the locked hcloud version from .terraform.lock.hcl");
    const normalised = {
      format_version: schema.format_version,
      provider_schemas: { [fqpn]: schema.provider_schemas[key] },
    };
    const dir = path.join(root, "providers", "hcloud");
    writeAtomic(path.join(dir, "schema.json"), `${JSON.stringify(normalised, null, 2)}\n`);
    writeAtomic(path.join(dir, "VERSION"), `${locked[1]}\n`);
    console.log(
      `providers:refresh: providers/hcloud/schema.json now describes hetznercloud/hcloud ${locked[1]} (from ${bin}).`,
    );
    console.log(
      "Review `git diff providers/`, update providers/hcloud/replace.json if " +
        "replacements changed, then run `npm run get`.",
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { stripDescriptions };

/** A failure told in one line (no stack trace): the engine's own output above says the rest. */
class OneLine extends Error {}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    if (!(err instanceof OneLine)) throw err;
    console.error(err.message);
    process.exitCode = 1;
  }
}

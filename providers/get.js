#!/usr/bin/env node
// @ts-check
/**
 * Generates the provider bindings in .gen/providers/<name> from the committed
 * schemas in providers/<name>/schema.json, with @cdktn/provider-generator.
 *
 * Does nothing when the inputs have not changed: the stamp file .gen/.stamp
 * records a hash of every schema and of the generator's version. Generation
 * happens in a temporary folder that replaces .gen/ only when complete.
 * The generated code gets the `override` modifiers that the project's
 * tsconfig requires (addOverrideModifiers).
 *
 * Usage: node providers/get.js [--force] [--quiet]
 */

const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const genDir = path.join(root, ".gen");
const stampFile = path.join(genDir, ".stamp");

/** Bad input files: reported in one line, exit code 2. */
class BadInput extends Error {}

/** @param {string} file */
function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new BadInput(
      `${path.relative(process.cwd(), file)}: cannot read it as JSON (${err instanceof Error ? err.message : err})`,
    );
  }
}

/** @returns {{ name: string, file: string }[]} */
function schemaFiles() {
  const dir = path.join(root, "providers");
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, "schema.json")))
    .map((e) => ({ name: e.name, file: path.join(dir, e.name, "schema.json") }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function generatorVersion() {
  const pkg = require.resolve("@cdktn/provider-generator/package.json", { paths: [root] });
  return JSON.parse(fs.readFileSync(pkg, "utf8")).version;
}

/**
 * Version constraints from cdktf.json's `terraformProviders`
 * ("hetznercloud/hcloud@~> 1.68"), keyed by "<namespace>/<name>". They are
 * written into the bindings, so that every stack's `required_providers`
 * carries the same constraint.
 * @returns {Record<string, string>}
 */
function providerConstraints() {
  const cfg = readJson(path.join(root, "cdktf.json"));
  /** @type {Record<string, string>} */
  const out = {};
  for (const entry of cfg.terraformProviders || []) {
    const text = typeof entry === "string" ? entry : `${entry.source}@${entry.version}`;
    const at = text.indexOf("@");
    if (at > 0) out[text.slice(0, at).trim()] = text.slice(at + 1).trim();
  }
  return out;
}

/**
 * The schema as the generator takes it, with `provider_versions` set from
 * cdktf.json's constraints.
 * @param {string} file
 */
function schemaWithConstraints(file) {
  const schema = readJson(file);
  if (!schema || typeof schema.provider_schemas !== "object") {
    throw new BadInput(
      `${path.relative(process.cwd(), file)}: no "provider_schemas" (expected ` +
        `the output of \`tofu providers schema -json\`)`,
    );
  }
  const constraints = providerConstraints();
  schema.provider_versions = {};
  for (const fqpn of Object.keys(schema.provider_schemas || {})) {
    const short = fqpn.split("/").slice(-2).join("/");
    if (constraints[short]) schema.provider_versions[fqpn] = constraints[short];
  }
  return schema;
}

/** A hash of everything the generated code depends on. */
/**
 * What the generator writes without TypeScript's `override` modifier, which
 * the project's tsconfig requires (noImplicitOverride): each resource's and
 * data source's synthesizeAttributes/synthesizeHclAttributes, and the
 * provider's alias accessors. Bump POSTPROCESS_VERSION when this changes, so
 * that bindings generated before are generated again.
 */
const POSTPROCESS_VERSION = 1;
const OVERRIDDEN = /^( +)(public|protected)( get| set)? (synthesizeAttributes|synthesizeHclAttributes|alias)\(/gm;

/** Adds `override` to the generated members that override cdktn's (see OVERRIDDEN). */
function addOverrideModifiers(text) {
  return text.replace(
    OVERRIDDEN,
    (_m, indent, access, accessor, name) => `${indent}${access} override${accessor ?? ""} ${name}(`,
  );
}

/** Post-processes every generated index.ts under `dir`. */
function postprocess(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    const text = fs.readFileSync(file, "utf8");
    const done = addOverrideModifiers(text);
    if (done !== text) fs.writeFileSync(file, done);
  }
}

function inputsHash() {
  const hash = crypto.createHash("sha256");
  hash.update(`generator ${generatorVersion()}\n`);
  hash.update(`postprocess ${POSTPROCESS_VERSION}\n`);
  hash.update(`constraints ${JSON.stringify(providerConstraints())}\n`);
  for (const { name, file } of schemaFiles()) {
    hash.update(`${name}\n`);
    hash.update(fs.readFileSync(file));
  }
  return hash.digest("hex");
}

function isUpToDate(hash) {
  try {
    const stamp = JSON.parse(fs.readFileSync(stampFile, "utf8"));
    return (
      stamp.hash === hash &&
      schemaFiles().every(({ name }) => fs.existsSync(path.join(genDir, "providers", name, "index.ts")))
    );
  } catch {
    return false;
  }
}

async function generate(hash) {
  // @cdktn/commons runs `terraform version` and may send telemetry as soon as it
  // is loaded; generation needs neither.
  process.env.CHECKPOINT_DISABLE = "1";
  process.env.TERRAFORM_BINARY_NAME = "all2all-generation-needs-no-terraform";
  const { generateProviderBindingsFromSchema } = require(
    require.resolve("@cdktn/provider-generator", { paths: [root] }),
  );
  const tmp = fs.mkdtempSync(path.join(root, ".gen.tmp-"));
  try {
    for (const { file } of schemaFiles()) {
      await generateProviderBindingsFromSchema(tmp, schemaWithConstraints(file));
    }
    postprocess(tmp);
    const stamp = { hash, generator: generatorVersion(), providers: schemaFiles().map((s) => s.name) };
    fs.writeFileSync(path.join(tmp, ".stamp"), `${JSON.stringify(stamp, null, 2)}\n`);
    const old = `${genDir}.old-${process.pid}`;
    if (fs.existsSync(genDir)) fs.renameSync(genDir, old);
    fs.renameSync(tmp, genDir);
    fs.rmSync(old, { recursive: true, force: true });
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function main() {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--force" && a !== "--quiet");
  if (unknown.length > 0) {
    console.error(`providers/get.js: unknown argument ${unknown[0]} (expected --force or --quiet)`);
    process.exit(2);
  }
  const quiet = args.includes("--quiet");
  const hash = inputsHash();
  if (!args.includes("--force") && isUpToDate(hash)) {
    if (!quiet) console.log("provider bindings: up to date (.gen/)");
    return;
  }
  const started = process.hrtime.bigint();
  await generate(hash);
  const ms = Number((process.hrtime.bigint() - started) / 1000000n);
  console.log(
    `provider bindings: generated ${schemaFiles()
      .map((s) => s.name)
      .join(", ")} into .gen/ in ${ms} ms`,
  );
}

main().catch((err) => {
  if (err instanceof BadInput) {
    console.error(`provider bindings: ${err.message}`);
    process.exit(2);
  }
  console.error(`provider bindings: generation failed: ${err?.stack ? err.stack : err}`);
  process.exit(1);
});

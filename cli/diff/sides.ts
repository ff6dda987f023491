/**
 * Synthesising one side of `all2all diff` into a temporary directory.
 *
 * - The working tree: in this process, with the project's compiled code
 *   (as `all2all synth` does), its config and its cdktf.json.
 * - A git ref: checked out in a git worktree kept between runs
 *   (worktree.ts; a temporary one when another run holds it). When its code
 *   (everything but config, docs and tests) is the working tree's, its
 *   config is synthesised in this process like the working tree's, since the
 *   same code gives the same output. Otherwise it is built and synthesised
 *   with its own code: the current node_modules is linked in when its
 *   package-lock.json is the same (else `npm ci`, slow and needing the npm
 *   registry), `npm run build` (the normal incremental build, whose output
 *   and build info stay in the worktree, so that it compiles only what
 *   changed since the ref built there last), then its own
 *   `all2all synth --out … --no-validate`. A ref whose synth refuses its
 *   output because of policy errors is synthesised again through its
 *   compiled modules, without the refusal, so that the diff still shows
 *   what it would do.
 * - A configuration synthesised in this process is not synthesised again
 *   when its files, environment and cdktf.json context are the same (an
 *   unchanged tree, a change of docs or tests only): same code, same inputs,
 *   same output.
 *
 * Policy errors never stop a side here: the diff reports what a change
 * would do, and says when synth would refuse it. The head is checked as
 * `all2all synth` checks it (configuration, synthesis, schema validation,
 * policy errors: its `refusals`, which make the diff exit 4); a base only
 * gets a note.
 *
 * A side also renders its zone files with its own code (renderZones): the
 * working tree and a ref of the same code with this process's `all2all
 * zonefile`, a built copy with its own command (kept until the side is
 * disposed of).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError } from "../errors";
import { captureIo } from "../io";
import type { StackDocument } from "./compare";
import { existsInCommit, resolveCommit, run, sameAsWorkingTree } from "./git";
import { checkoutRef, type RefCheckout } from "./worktree";
import type { RefusalError } from "./model";
import { deploymentOrder } from "./sort";
import type { ZoneRendering } from "./zones";
import { withCdktnDefaults } from "../../stacks/app";

/** A synthesised side: stack documents and the manifest's dependencies. */
export interface SideOutput {
  readonly docs: Map<string, StackDocument>;
  readonly dependencies: Map<string, string[]>;
  /** What the reader should know about this side (how it was made, policy errors). */
  readonly notes: string[];
  /**
   * The head only (synthesised with `refuse`): what `all2all synth` refuses in
   * it, as synth reports it (configuration problems, synthesis errors, schema
   * validation errors, unsuppressed policy errors). Without docs when the
   * configuration does not load or synthesis fails.
   */
  readonly refusals?: readonly RefusalError[];
}

/** What a side renders its zone files with: this process's code on a config, or a built copy's own command. */
export type ZoneRenderer =
  | { readonly kind: "here"; readonly configDir: string; readonly cwd: string }
  | { readonly kind: "copy"; readonly tree: string; readonly configDir: string; readonly env: NodeJS.ProcessEnv }
  | { readonly kind: "none"; readonly reason: string };

/** Paths (relative to the project root, git globs) that do not change what synth writes. */
export const NOT_CODE = ["docs/**", "__tests__/**", "testing/**", "bench/**", ".ci/**", "**/*.md", ".gitignore", "LICENSE*"];

/** Reads a synthesised output directory (cdktn's layout: manifest.json, stacks/<stack>/cdk.tf.json). */
export function readSynthOutput(outdir: string): { docs: Map<string, StackDocument>; dependencies: Map<string, string[]> } {
  const manifestFile = path.join(outdir, "manifest.json");
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as { stacks?: Record<string, { name?: string; synthesizedStackPath?: string; dependencies?: string[] }> };
  const docs = new Map<string, StackDocument>();
  const dependencies = new Map<string, string[]>();
  for (const [key, s] of Object.entries(manifest.stacks ?? {})) {
    const name = s.name ?? key;
    const file = path.join(outdir, s.synthesizedStackPath ?? path.join("stacks", name, "cdk.tf.json"));
    docs.set(name, JSON.parse(fs.readFileSync(file, "utf8")) as StackDocument);
    dependencies.set(name, [...(s.dependencies ?? [])]);
  }
  return { docs, dependencies };
}

/** An empty side (an environment the ref does not have). */
export function emptySide(note: string): SideOutput {
  return { docs: new Map(), dependencies: new Map(), notes: [note] };
}

/**
 * Synthesises a configuration with the code of this process, policy errors
 * reported but not refused. `root` gives cdktf.json (the App's context).
 */
export async function synthHere(
  root: string,
  configDir: string,
  env: string | undefined,
  label: string,
  cwd: string,
  options: { readonly refuse?: boolean } = {},
): Promise<SideOutput> {
  // Loaded on demand: plan-summary and the tests of the comparison never load cdktn.
  const { loadNetwork, formatConfigProblems } = await import("../../spec/index.js");
  const { SynthesisError, synthesise } = await import("../synthesise.js");
  const { blockingFindings } = await import("../../policies/index.js");
  const { readProjectConfig } = await import("../project.js");
  const project = readProjectConfig(root);
  const context = project.context;
  const key = inputsDigest(path.resolve(cwd, configDir), env, context);
  const done = key !== undefined ? synthesised.get(key) : undefined;
  if (done !== undefined) return sideOf(await withValidation(done, project.schemaFiles, options.refuse), label, options.refuse);
  // Problems name files relative to the project when the configuration is in it (config/network.yaml:41:17).
  const inside = path.relative(cwd, path.resolve(cwd, configDir));
  const shown = inside !== "" && !inside.startsWith("..") && !path.isAbsolute(inside) ? inside : configDir;
  const loaded = loadNetwork(shown, { env, cwd });
  if (!loaded.ok) {
    const lines = formatConfigProblems(loaded.problems);
    if (options.refuse) return refusedSide(configurationErrors(lines));
    throw new InputError(`${label}: the configuration does not load:\n${lines.join("\n")}`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-diff-out-"));
  try {
    const outdir = path.join(tmp, "cdktf.out");
    let findings: import("../../policies/index.js").Finding[];
    try {
      ({ findings } = synthesise(loaded.specs, { outdir, context }));
    } catch (err) {
      if (!(err instanceof SynthesisError)) throw err;
      if (options.refuse) return refusedSide([{ kind: "synth", message: err.message }]);
      throw new InputError(`${label}: synth fails: ${err.message}`);
    }
    const blocking = blockingFindings(findings).map((f) => ({
      rule: f.rule,
      stack: f.stack,
      address: f.address,
      message: f.message,
    }));
    const result: Synthesised = { ...readSynthOutput(outdir), blocking };
    if (key !== undefined) {
      synthesised.set(key, result);
      for (const old of synthesised.keys()) if (synthesised.size > SYNTHESISED_KEPT) synthesised.delete(old);
    }
    return sideOf(await withValidation(result, project.schemaFiles, options.refuse), label, options.refuse);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** A head that synth refuses before writing any stack. */
function refusedSide(errors: RefusalError[]): SideOutput {
  return { docs: new Map(), dependencies: new Map(), notes: [], refusals: errors };
}

/**
 * Configuration problems as refusals, one per problem, from the lines
 * `formatConfigProblems` (or a ref's synth) prints: `<file> has N
 * problems:` then one indented line per problem; warnings' blocks left out.
 */
export function configurationErrors(lines: readonly string[]): RefusalError[] {
  const errors: RefusalError[] = [];
  let warnings = false;
  for (const line of lines) {
    if (line.trim() === "") continue;
    const header = /^\S.* has \d+ (problems?|warnings?):$/.exec(line);
    if (header) {
      warnings = header[1]!.startsWith("warning"); // the group is not optional
      continue;
    }
    if (/^\s/.test(line)) {
      if (!warnings) errors.push({ kind: "configuration", message: line.trim() });
      continue;
    }
    warnings = false;
    if (!/^warning/.test(line)) errors.push({ kind: "configuration", message: line.replace(/^all2all: /, "") });
  }
  return errors;
}

/**
 * The schema validation `all2all synth` does (providers/<name>/schema.json of
 * `root`), on a result of synthHere: its errors, once per result.
 */
async function withValidation(result: Synthesised, schemaFiles: readonly string[], wanted: boolean | undefined): Promise<Synthesised> {
  if (!wanted || result.validation !== undefined) return result;
  const { validateStack, formatProblem } = await import("../../validate/index.js");
  const { loadSchemas } = await import("../validate.js");
  const schemas = loadSchemas(schemaFiles);
  const validation: string[] = [];
  for (const [name, doc] of result.docs) for (const p of validateStack(name, doc, schemas)) if (p.severity === "error") validation.push(formatProblem(p));
  (result as { validation?: readonly string[] }).validation = validation;
  return result;
}

/** An unsuppressed policy error, as synth's table shows it. */
interface BlockingFinding {
  readonly rule: string;
  readonly stack: string;
  readonly address: string;
  readonly message: string;
}

/** What synthHere makes of some inputs: the stacks, the unsuppressed policy errors and (once asked) the schema validation's errors. */
interface Synthesised {
  readonly docs: ReadonlyMap<string, StackDocument>;
  readonly dependencies: ReadonlyMap<string, string[]>;
  readonly blocking: readonly BlockingFinding[];
  readonly validation?: readonly string[];
}

/**
 * The sides synthHere made in this process, by the digest of their inputs
 * (inputsDigest): a base whose configuration is the working tree's (a
 * change of docs or tests only, or none) is synthesised once, not twice.
 * The last few only.
 */
const synthesised = new Map<string, Synthesised>();
const SYNTHESISED_KEPT = 4;

function sideOf(s: Synthesised, label: string, refuse: boolean | undefined): SideOutput {
  const refusals: RefusalError[] = refuse
    ? [...(s.validation ?? []).map((message): RefusalError => ({ kind: "validation", message })), ...s.blocking.map(policyError)]
    : [];
  return {
    docs: new Map(s.docs),
    dependencies: new Map([...s.dependencies].map(([k, v]) => [k, [...v]])),
    notes: s.blocking.length > 0 ? [policyNote(label, s.blocking.map((f) => f.rule))] : [],
    ...(refuse ? { refusals } : {}),
  };
}

function policyError(f: BlockingFinding): RefusalError {
  const where = [f.stack, f.address].filter((x) => x !== "").join(" ");
  return { kind: "policy", rule: f.rule, stack: f.stack, address: f.address, message: `${f.rule}${where !== "" ? ` (${where})` : ""}: ${f.message}` };
}

/**
 * A digest of everything synthHere's output depends on besides this
 * process's code: cdktf.json's context, the environment asked for, and
 * every file the loader could read in the configuration directory (names
 * relative to it, and contents; links followed). Undefined when the
 * directory cannot be read (the loader then reports it).
 */
function inputsDigest(configDir: string, env: string | undefined, context: unknown): string | undefined {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ env: env ?? null, context }));
  const seen = new Set<string>();
  const walk = (rel: string): void => {
    const dir = path.join(configDir, rel);
    const real = fs.realpathSync(dir);
    if (seen.has(real)) return;
    seen.add(real);
    for (const name of fs.readdirSync(dir).sort()) {
      const child = path.join(rel, name);
      const stat = fs.statSync(path.join(configDir, child), { throwIfNoEntry: false });
      if (stat?.isDirectory()) {
        hash.update(`\0dir\0${child}\0`);
        walk(child);
      } else if (stat?.isFile()) {
        const bytes = fs.readFileSync(path.join(configDir, child));
        hash.update(`\0file\0${child}\0${bytes.length}\0`);
        hash.update(bytes);
      } else {
        hash.update(`\0other\0${child}\0`);
      }
    }
  };
  try {
    walk("");
  } catch {
    return undefined;
  }
  return hash.digest("hex");
}

function policyNote(label: string, rules: readonly string[]): string {
  const unique = [...new Set(rules)].sort();
  return `${label} has ${rules.length} unsuppressed policy error${rules.length === 1 ? "" : "s"} (${unique.join(", ")}): \`all2all synth\` refuses it, so it cannot be deployed as it is; the diff shows what it would do anyway`;
}

/** Where a side comes from. */
export type SideSpec = { readonly kind: "worktree" } | { readonly kind: "ref"; readonly ref: string };

export interface SideContext {
  /** The project root (cdktf.json) of the working tree. */
  readonly root: string;
  /** The repository's top level and the project's path in it. */
  readonly top: string;
  readonly prefix: string;
  /** The config directory (absolute), and its path relative to the project root when it is inside (then a ref's own copy is used). */
  readonly configDir: string;
  readonly configRel?: string;
  readonly env?: string;
  /** Environment for the processes run (PATH, HOME…). */
  readonly processEnv: NodeJS.ProcessEnv;
  /** Progress lines (standard error). */
  readonly progress: (line: string) => void;
}

/** A synthesised side, with what renders its zone files; its checkout is held until dispose(). */
export interface Side {
  readonly output: SideOutput;
  /** What the report calls it: `HEAD~1 (1a2b3c4d5e)`, `the working tree`. */
  readonly name: string;
  readonly zones: ZoneRenderer;
  dispose(): void;
}

/**
 * Synthesises a ref: see the file comment. `label` names it in messages
 * (`base HEAD~1 (1a2b3c4)`). The head (`refuse`) is checked as
 * `all2all synth` checks it: what synth refuses is in `refusals`.
 */
export async function synthRef(
  commit: string,
  label: string,
  ctx: SideContext,
  options: { readonly refuse?: boolean; readonly role?: string } = {},
): Promise<Omit<Side, "name">> {
  const projectPath = (rel: string): string => (ctx.prefix === "" ? rel : `${ctx.prefix}/${rel}`);
  if (!existsInCommit(ctx.top, commit, projectPath("cdktf.json"))) {
    throw new InputError(`${label} cannot be synthesised: it has no ${projectPath("cdktf.json")} (the ref predates this project)`);
  }
  if (ctx.configRel !== undefined && !existsInCommit(ctx.top, commit, projectPath(ctx.configRel))) {
    throw new InputError(`${label} cannot be synthesised: it has no ${projectPath(ctx.configRel)}/ (the ref predates the configuration)`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-diff-"));
  let checkout: RefCheckout | undefined;
  const dispose = (): void => {
    fs.rmSync(tmp, { recursive: true, force: true });
    checkout?.release();
    checkout = undefined;
  };
  try {
    checkout = checkoutRef(ctx.top, commit, options.role ?? "base");
    const tree = ctx.prefix === "" ? checkout.dir : path.join(checkout.dir, ctx.prefix);
    const configDir = ctx.configRel !== undefined ? path.join(tree, ctx.configRel) : ctx.configDir;
    if (ctx.env !== undefined && ctx.configRel !== undefined && !fs.existsSync(path.join(configDir, "environments", `${ctx.env}.yaml`))) {
      dispose();
      return {
        output: emptySide(`${label} has no environment ${ctx.env} (no ${ctx.configRel}/environments/${ctx.env}.yaml): everything in it is new`),
        zones: { kind: "none", reason: `it has no environment ${ctx.env}` },
        dispose: () => undefined,
      };
    }
    if (sameAsWorkingTree(ctx.root, commit, [...NOT_CODE, ...(ctx.configRel !== undefined ? [`${ctx.configRel}/**`] : [])])) {
      const side = await synthHere(tree, configDir, ctx.env, label, tree, options);
      return {
        output: { ...side, notes: [`${label} was synthesised with the working tree's compiled code (its code is the same; only config, docs or tests differ)`, ...side.notes] },
        zones: { kind: "here", configDir, cwd: tree },
        dispose,
      };
    }
    const output = buildAndSynth(tree, tmp, configDir, label, ctx, { ...options, kept: checkout.kept });
    return { output, zones: { kind: "copy", tree, configDir, env: copyEnv(ctx) }, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

/** The environment of the processes run in a ref's copy. */
function copyEnv(ctx: SideContext): NodeJS.ProcessEnv {
  const env = withCdktnDefaults(ctx.processEnv);
  delete env.ALL2ALL_CONFIG;
  return env;
}

function tail(text: string, lines = 15): string {
  const all = text.trimEnd().split("\n");
  return (all.length > lines ? ["…", ...all.slice(-lines)] : all).join("\n");
}

function buildAndSynth(
  tree: string,
  tmp: string,
  configDir: string,
  label: string,
  ctx: SideContext,
  options: { readonly refuse?: boolean; readonly kept?: boolean } = {},
): SideOutput {
  const notes: string[] = [];
  const env = copyEnv(ctx);
  const lock = (dir: string): Buffer | undefined => (fs.existsSync(path.join(dir, "package-lock.json")) ? fs.readFileSync(path.join(dir, "package-lock.json")) : undefined);
  const ours = lock(ctx.root);
  const theirs = lock(tree);
  const where = options.kept
    ? "in a git worktree kept between runs, with its own incremental build"
    : "in a temporary git worktree (the kept one is in use by another run)";
  if (ours !== undefined && theirs !== undefined && ours.equals(theirs) && fs.existsSync(path.join(ctx.root, "node_modules"))) {
    const link = path.join(tree, "node_modules");
    // A node_modules committed by mistake (a symlink, say) gives way to the current install.
    if (fs.lstatSync(link, { throwIfNoEntry: false }) !== undefined) fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(fs.realpathSync(path.join(ctx.root, "node_modules")), link, "dir");
    notes.push(
      `${label} was built and synthesised with its own code ${where} (its code differs from the working tree; ` +
        "the current node_modules was reused, its package-lock.json being the same)",
    );
  } else {
    ctx.progress(`diff: ${label}: package-lock.json differs from the working tree's: installing its dependencies with npm ci (slow, needs the npm registry)…`);
    const ci = run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: tree, env });
    if (ci.status !== 0) throw new InputError(`${label} cannot be synthesised: npm ci failed in its copy:\n${tail(ci.stderr || ci.stdout)}`);
    notes.push(`${label} was built and synthesised with its own code ${where}, after \`npm ci\` (its package-lock.json differs from the working tree's)`);
  }
  ctx.progress(`diff: ${label}: building its code (npm run build)…`);
  const build = run("npm", ["run", "build", "--silent"], { cwd: tree, env });
  if (build.status !== 0) throw new InputError(`${label} cannot be synthesised: npm run build failed in its copy:\n${tail(`${build.stdout}\n${build.stderr}`)}`);

  const outdir = path.join(tmp, "cdktf.out");
  // The head is validated as synth validates it (its own code and schemas); the base need not be.
  const args = [
    path.join(tree, "bin", "all2all.js"),
    "synth",
    "--out",
    outdir,
    ...(options.refuse ? [] : ["--no-validate"]),
    "--config",
    configDir,
    ...(ctx.env !== undefined ? ["--env", ctx.env] : []),
  ];
  ctx.progress(`diff: ${label}: synthesising…`);
  const synth = run(process.execPath, args, { cwd: tree, env });
  if (synth.status === 0 && fs.existsSync(path.join(outdir, "manifest.json"))) return { ...readSynthOutput(outdir), notes, ...(options.refuse ? { refusals: [] } : {}) };
  if (synth.status === 2 && options.refuse) {
    return { docs: new Map(), dependencies: new Map(), notes, refusals: configurationErrors(synth.stderr.split("\n")) };
  }
  if (synth.status !== 1) {
    throw new InputError(`${label} cannot be synthesised: its \`all2all synth\` exits ${synth.status}:\n${tail(synth.stderr || synth.stdout)}`);
  }
  // Exit 1: synth failed (an error of its constructs, schema validation), or refused its output for policy
  // errors. What it printed is what it refuses; synthesise again without the refusal.
  const refusals: RefusalError[] = synthErrors(synth.stderr);
  fs.rmSync(outdir, { recursive: true, force: true });
  const driver = run(process.execPath, ["-e", DRIVER, tree, outdir, configDir, ctx.env ?? ""], { cwd: tree, env });
  if (driver.status !== 0 || !fs.existsSync(path.join(outdir, "manifest.json"))) {
    if (options.refuse) return { docs: new Map(), dependencies: new Map(), notes, refusals: refusals.length > 0 ? refusals : [{ kind: "synth", message: tail(synth.stderr || synth.stdout) }] };
    throw new InputError(`${label} cannot be synthesised: its \`all2all synth\` fails:\n${tail(synth.stderr || synth.stdout)}`);
  }
  let blocking: string[] = [];
  let findings: BlockingFinding[] = [];
  try {
    const reported = JSON.parse(driver.stdout.trim().split("\n").pop() ?? "{}") as { blocking?: string[]; findings?: BlockingFinding[] };
    blocking = reported.blocking ?? [];
    findings = reported.findings ?? [];
  } catch {
    blocking = [];
  }
  notes.push(blocking.length > 0 ? policyNote(label, blocking) : `${label}: its \`all2all synth\` exits 1; synthesised again without its refusal`);
  if (!options.refuse) return { ...readSynthOutput(outdir), notes };
  const policy = findings.length > 0 ? findings.map(policyError) : blocking.map((rule): RefusalError => ({ kind: "policy", rule, message: `${rule}: an unsuppressed policy error` }));
  const all = [...refusals, ...policy];
  return { ...readSynthOutput(outdir), notes, refusals: all.length > 0 ? all : [{ kind: "synth", message: `its \`all2all synth\` exits 1:\n${tail(synth.stderr || synth.stdout)}` }] };
}

/**
 * What a ref's `all2all synth` printed on standard error when it exits 1,
 * as refusals: its synthesis error (`synth: <message>`) and every schema
 * validation error (`<stack> <address> <path>: <message>`); warnings, the
 * policy summary (the policy errors come from DRIVER) and the "output not
 * written" lines left out.
 */
export function synthErrors(stderr: string): RefusalError[] {
  const errors: RefusalError[] = [];
  for (const line of stderr.split("\n")) {
    const text = line.trimEnd();
    if (text === "" || /^warning: /.test(text)) continue;
    if (/^synth: (output not written|\d+ policy errors? \(above\))/.test(text)) continue;
    if (/^synth: /.test(text)) errors.push({ kind: "synth", message: text.replace(/^synth: /, "") });
    else if (/^(validate|policies): /.test(text)) continue;
    else errors.push({ kind: "validation", message: text });
  }
  return errors;
}

/**
 * Synthesises a built tree through its compiled modules (argv: tree, out,
 * config, env), with the policy pack's findings reported but not refused:
 * through the tree's own `synthesise` (cli/synthesise), or, for a ref that
 * predates it, through the steps it was made of. Prints
 * `{"blocking": [rule…], "findings": [{ rule, stack, address, message }…]}`;
 * exits 2 when the configuration does not load.
 */
const DRIVER = `
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const [root, out, config, env] = process.argv.slice(1);
const req = (m) => require(path.join(root, "dist", m));
const has = (m) => fs.existsSync(path.join(root, "dist", m + ".js"));
const { loadNetwork, formatConfigProblems } = req("spec");
const { readProjectConfig } = req("cli/project");
const loaded = loadNetwork(config, env ? { env } : {});
if (!loaded.ok) { for (const l of formatConfigProblems(loaded.problems)) console.error(l); process.exit(2); }
const context = readProjectConfig(root).context;
let policies;
try { policies = req("policies"); } catch { policies = undefined; }
const synthesise = has("cli/synthesise") ? req("cli/synthesise").synthesise : (specs, options) => {
  const built = req("stacks/app").buildApp(specs, options);
  const run = policies && policies.applyPolicies ? policies.applyPolicies(built.app, built.environments) : undefined;
  built.app.synth();
  return { findings: run ? run.finish(out) : [] };
};
const { findings: all } = synthesise(loaded.specs, { outdir: out, context });
const found = policies && policies.blockingFindings ? policies.blockingFindings(all) : [];
const blocking = found.map((f) => f.rule);
const findings = found.map((f) => ({ rule: f.rule, stack: f.stack || "", address: f.address || "", message: f.message || "" }));
console.log(JSON.stringify({ blocking, findings }));
`;

/**
 * Synthesises one side. `name` is what the report calls it (`HEAD~1
 * (1a2b3c4d5e)`, `the working tree`); messages say `base HEAD~1 (…)`. The
 * head is checked as `all2all synth` checks it (its `refusals`); a base
 * that synth refuses for policy errors is only noted.
 */
export async function synthSide(spec: SideSpec, ctx: SideContext, role: "base" | "head"): Promise<Side> {
  const refuse = role === "head";
  if (spec.kind === "worktree") {
    const name = "the working tree";
    if (refuse && ctx.env !== undefined && ctx.configRel !== undefined && !fs.existsSync(path.join(ctx.configDir, "environments", `${ctx.env}.yaml`))) {
      throw new InputError(`the working tree has no environment ${ctx.env} (no ${ctx.configRel}/environments/${ctx.env}.yaml)`);
    }
    const output = await synthHere(ctx.root, ctx.configDir, ctx.env, `${role} (${name})`, ctx.root, { refuse });
    return { output, name, zones: { kind: "here", configDir: ctx.configDir, cwd: ctx.root }, dispose: () => undefined };
  }
  const commit = resolveCommit(ctx.top, spec.ref);
  const name = `${spec.ref} (${commit.slice(0, 10)})`;
  return { ...(await synthRef(commit, `${role} ${name}`, ctx, { refuse, role })), name };
}

/** A fixed "today" for zone serials (seconds since 1970): $SOURCE_DATE_EPOCH when valid, else now. */
export function zoneEpoch(env: NodeJS.ProcessEnv): string {
  const given = env.SOURCE_DATE_EPOCH;
  return given !== undefined && /^[0-9]{1,12}$/.test(given) ? given : String(Math.floor(Date.now() / 1000));
}

/**
 * Renders the zone files of the given environments as the side's own
 * `all2all zonefile --env E --out DIR --knot` does (in this process for the
 * working tree and a ref of the same code, else the built copy's own
 * command), into `dir/<env>`, each started from `previous/<env>` (the
 * base's files: the serial then changes only with the content).
 */
export async function renderZones(side: Side, envs: readonly string[], dir: string, previous: string | undefined, epoch: string, label: string): Promise<ZoneRendering> {
  const zones = new Map<string, Map<string, string>>();
  const knot = new Map<string, Map<string, string>>();
  const unavailable = new Map<string, string>();
  const notes: string[] = [];
  const renderer = side.zones;
  let withKnot = true;
  fs.mkdirSync(dir, { recursive: true });
  for (const env of envs) {
    if (renderer.kind === "none") {
      // A side without the environment: no zones (the other side's are all new, or all gone).
      zones.set(env, new Map());
      knot.set(env, new Map());
      continue;
    }
    const out = path.join(dir, env);
    if (previous !== undefined && fs.existsSync(path.join(previous, env))) fs.cpSync(path.join(previous, env), out, { recursive: true });
    let failure: string | undefined;
    if (renderer.kind === "here") {
      const { runZonefile } = await import("../zonefile.js");
      const io = captureIo({ SOURCE_DATE_EPOCH: epoch }, renderer.cwd);
      const code = await runZonefile({ config: renderer.configDir, env, out, knot: true }, io);
      if (code !== 0) failure = tail(io.stderr.join("\n"), 5);
    } else {
      const command = (knotFlag: boolean) =>
        run(process.execPath, [path.join(renderer.tree, "bin", "all2all.js"), "zonefile", "--env", env, "--config", renderer.configDir, "--out", out, ...(knotFlag ? ["--knot"] : [])], {
          cwd: renderer.tree,
          env: { ...renderer.env, SOURCE_DATE_EPOCH: epoch },
        });
      let r = command(withKnot);
      if (r.status !== 0 && withKnot && /unknown option '--knot'/.test(r.stderr)) {
        withKnot = false;
        notes.push(`${label}: its \`all2all zonefile\` has no --knot: its Knot configuration is not rendered`);
        r = command(false);
      }
      if (r.status !== 0 && /unknown command 'zonefile'/.test(r.stderr)) {
        notes.push(`${label}: its code has no \`all2all zonefile\`: its zone files cannot be rendered`);
        for (const e of envs) unavailable.set(e, "its code has no `all2all zonefile`");
        break;
      }
      if (r.status !== 0) failure = tail(r.stderr || r.stdout, 5);
    }
    if (failure !== undefined) {
      unavailable.set(env, `\`all2all zonefile --env ${env}\` fails: ${failure.replace(/\n/g, " ")}`);
      continue;
    }
    const files = new Map<string, string>();
    const confs = new Map<string, string>();
    if (fs.existsSync(out)) {
      for (const entry of fs.readdirSync(out).sort()) if (entry.endsWith(".zone")) files.set(entry.slice(0, -".zone".length), fs.readFileSync(path.join(out, entry), "utf8"));
      const knotDir = path.join(out, "knot");
      if (fs.existsSync(knotDir)) for (const entry of fs.readdirSync(knotDir).sort()) if (entry.endsWith(".conf")) confs.set(`knot/${entry}`, fs.readFileSync(path.join(knotDir, entry), "utf8"));
    }
    zones.set(env, files);
    if (withKnot) knot.set(env, confs);
  }
  return { zones, knot, unavailable, notes };
}

/** Stack order of the two sides together. */
export function stackOrderOf(...sides: SideOutput[]): string[] {
  const deps = new Map<string, string[]>();
  for (const side of sides) for (const [name, d] of side.dependencies) deps.set(name, [...new Set([...(deps.get(name) ?? []), ...d])]);
  return deploymentOrder(deps);
}

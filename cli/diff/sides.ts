/**
 * Synthesising one side of `all2all diff` into a temporary directory.
 *
 * - The working tree: in this process, with the project's compiled code
 *   (as `all2all synth` does), its config and its cdktf.json.
 * - A git ref: its tree exported with `git archive` into a temporary
 *   directory. When its code (everything but config, docs and tests) is the
 *   working tree's, its config is synthesised in this process like the
 *   working tree's, since the same code gives the same output. Otherwise it
 *   is built and synthesised with its own code: the current node_modules is
 *   linked in when its package-lock.json is the same (else `npm ci`, slow
 *   and needing the npm registry), `npm run build`, then its own
 *   `all2all synth --out … --no-validate`. A ref whose synth refuses its
 *   output because of policy errors is synthesised again through its
 *   compiled modules, without the refusal, so that the diff still shows
 *   what it would do.
 * - The build of a ref starts, when it can (see seedBuild), from the
 *   working tree's last build: its generated bindings (.gen/, kept by the
 *   ref's own providers/get.js only when its stamp matches the ref's
 *   inputs) and tsc's output with its incremental build info (tsc then
 *   compiles what differs by content from what that build compiled). The
 *   ref is still built from its own sources; only work already done on
 *   identical inputs is skipped.
 * - A configuration synthesised in this process is not synthesised again
 *   when its files, environment and cdktf.json context are the same (an
 *   unchanged tree, a change of docs or tests only): same code, same inputs,
 *   same output.
 *
 * Policy errors never stop a side here: the diff reports what a change
 * would do, and says when synth would refuse it.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError } from "../errors";
import type { StackDocument } from "./compare";
import { existsInCommit, exportTree, resolveCommit, run, sameAsWorkingTree } from "./git";
import { deploymentOrder } from "./sort";

/** A synthesised side: stack documents and the manifest's dependencies. */
export interface SideOutput {
  readonly docs: Map<string, StackDocument>;
  readonly dependencies: Map<string, string[]>;
  /** What the reader should know about this side (how it was made, policy errors). */
  readonly notes: string[];
}

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
export async function synthHere(root: string, configDir: string, env: string | undefined, label: string, cwd: string): Promise<SideOutput> {
  // Loaded on demand: plan-summary and the tests of the comparison never load cdktn.
  const { loadNetwork, formatConfigProblems } = await import("../../spec");
  const { buildApp } = await import("../../stacks/app");
  const { applyPolicies, blockingFindings } = await import("../../policies");
  const { readProjectConfig } = await import("../project");
  const context = readProjectConfig(root).context;
  const key = inputsDigest(path.resolve(cwd, configDir), env, context);
  const done = key !== undefined ? synthesised.get(key) : undefined;
  if (done !== undefined) return sideOf(done, label);
  const loaded = loadNetwork(configDir, { env, cwd });
  if (!loaded.ok) {
    throw new InputError(`${label}: the configuration does not load:\n${formatConfigProblems(loaded.problems).join("\n")}`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-diff-out-"));
  try {
    const outdir = path.join(tmp, "cdktf.out");
    const built = buildApp(loaded.specs, { outdir, context });
    const policies = applyPolicies(built.app, built.environments);
    try {
      built.app.synth();
    } catch (err) {
      throw new InputError(`${label}: synth fails: ${(err as Error).message}`);
    }
    const blocking = blockingFindings(policies.finish(outdir)).map((f) => f.rule);
    const result: Synthesised = { ...readSynthOutput(outdir), blocking };
    if (key !== undefined) {
      synthesised.set(key, result);
      for (const old of synthesised.keys()) if (synthesised.size > SYNTHESISED_KEPT) synthesised.delete(old);
    }
    return sideOf(result, label);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** What synthHere makes of some inputs: the stacks, and the rules of unsuppressed policy errors. */
interface Synthesised {
  readonly docs: ReadonlyMap<string, StackDocument>;
  readonly dependencies: ReadonlyMap<string, string[]>;
  readonly blocking: readonly string[];
}

/**
 * The sides synthHere made in this process, by the digest of their inputs
 * (inputsDigest): a base whose configuration is the working tree's (a
 * change of docs or tests only, or none) is synthesised once, not twice.
 * The last few only.
 */
const synthesised = new Map<string, Synthesised>();
const SYNTHESISED_KEPT = 4;

function sideOf(s: Synthesised, label: string): SideOutput {
  return {
    docs: new Map(s.docs),
    dependencies: new Map([...s.dependencies].map(([k, v]) => [k, [...v]])),
    notes: s.blocking.length > 0 ? [policyNote(label, s.blocking)] : [],
  };
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

/** Synthesises a ref: see the file comment. `label` names it in messages (`base HEAD~1 (1a2b3c4)`). */
export async function synthRef(commit: string, label: string, ctx: SideContext): Promise<SideOutput> {
  const projectPath = (rel: string): string => (ctx.prefix === "" ? rel : `${ctx.prefix}/${rel}`);
  if (!existsInCommit(ctx.top, commit, projectPath("cdktf.json"))) {
    throw new InputError(`${label} cannot be synthesised: it has no ${projectPath("cdktf.json")} (the ref predates this project)`);
  }
  if (ctx.configRel !== undefined && !existsInCommit(ctx.top, commit, projectPath(ctx.configRel))) {
    throw new InputError(`${label} cannot be synthesised: it has no ${projectPath(ctx.configRel)}/ (the ref predates the configuration)`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-diff-"));
  try {
    const tree = path.join(tmp, "tree");
    fs.mkdirSync(tree);
    exportTree(ctx.top, commit, ctx.prefix, tree);
    const configDir = ctx.configRel !== undefined ? path.join(tree, ctx.configRel) : ctx.configDir;
    if (ctx.env !== undefined && ctx.configRel !== undefined && !fs.existsSync(path.join(configDir, "environments", `${ctx.env}.yaml`))) {
      return emptySide(`${label} has no environment ${ctx.env} (no ${ctx.configRel}/environments/${ctx.env}.yaml): everything in it is new`);
    }
    if (sameAsWorkingTree(ctx.root, commit, [...NOT_CODE, ...(ctx.configRel !== undefined ? [`${ctx.configRel}/**`] : [])])) {
      const side = await synthHere(tree, configDir, ctx.env, label, ctx.root);
      return { ...side, notes: [`${label} was synthesised with the working tree's compiled code (its code is the same; only config, docs or tests differ)`, ...side.notes] };
    }
    return buildAndSynth(tree, tmp, configDir, label, ctx);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function tail(text: string, lines = 15): string {
  const all = text.trimEnd().split("\n");
  return (all.length > lines ? ["…", ...all.slice(-lines)] : all).join("\n");
}

function buildAndSynth(tree: string, tmp: string, configDir: string, label: string, ctx: SideContext): SideOutput {
  const notes: string[] = [];
  const env: NodeJS.ProcessEnv = { ...ctx.processEnv, CDKTN_DISABLE_CREATION_STACK: ctx.processEnv.CDKTN_DISABLE_CREATION_STACK ?? "1" };
  delete env.ALL2ALL_CONFIG;
  const lock = (dir: string): Buffer | undefined => (fs.existsSync(path.join(dir, "package-lock.json")) ? fs.readFileSync(path.join(dir, "package-lock.json")) : undefined);
  const ours = lock(ctx.root);
  const theirs = lock(tree);
  let seed: Seed | undefined;
  if (ours !== undefined && theirs !== undefined && ours.equals(theirs) && fs.existsSync(path.join(ctx.root, "node_modules"))) {
    const link = path.join(tree, "node_modules");
    // A node_modules committed by mistake (a symlink, say) gives way to the current install.
    if (fs.lstatSync(link, { throwIfNoEntry: false }) !== undefined) fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(fs.realpathSync(path.join(ctx.root, "node_modules")), link, "dir");
    // The same dependencies (the generator, tsc): the working tree's build can seed this one.
    seed = seedBuild(ctx.root, tree);
    notes.push(`${label} was built and synthesised with its own code in a temporary copy (its code differs from the working tree; the current node_modules was reused, its package-lock.json being the same)`);
  } else {
    ctx.progress(`diff: ${label}: package-lock.json differs from the working tree's: installing its dependencies with npm ci (slow, needs the npm registry)…`);
    const ci = run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: tree, env });
    if (ci.status !== 0) throw new InputError(`${label} cannot be synthesised: npm ci failed in its copy:\n${tail(ci.stderr || ci.stdout)}`);
    notes.push(`${label} was built and synthesised with its own code in a temporary copy, after \`npm ci\` (its package-lock.json differs from the working tree's)`);
  }
  ctx.progress(`diff: ${label}: building its code (npm run build)…`);
  let build = run("npm", ["run", "build", "--silent"], { cwd: tree, env });
  if (build.status === 0 && seed !== undefined) {
    if (finishSeededBuild(seed)) {
      notes.push(`${label}: its build started from the working tree's last build (generated bindings, compiled output, tsc's build info), which its generator and tsc checked against its own sources`);
    } else {
      // An output the seed should have provided is missing: build from scratch instead.
      ctx.progress(`diff: ${label}: the working tree's build could not seed its build: building it from scratch…`);
      fs.rmSync(seed.outDir, { recursive: true, force: true });
      fs.rmSync(seed.buildInfo, { force: true });
      build = run("npm", ["run", "build", "--silent"], { cwd: tree, env });
    }
  }
  if (build.status !== 0) throw new InputError(`${label} cannot be synthesised: npm run build failed in its copy:\n${tail(`${build.stdout}\n${build.stderr}`)}`);

  const outdir = path.join(tmp, "cdktf.out");
  const args = [path.join(tree, "bin", "all2all.js"), "synth", "--out", outdir, "--no-validate", "--config", configDir, ...(ctx.env !== undefined ? ["--env", ctx.env] : [])];
  ctx.progress(`diff: ${label}: synthesising…`);
  const synth = run(process.execPath, args, { cwd: tree, env });
  if (synth.status === 0 && fs.existsSync(path.join(outdir, "manifest.json"))) return { ...readSynthOutput(outdir), notes };
  if (synth.status !== 1) {
    throw new InputError(`${label} cannot be synthesised: its \`all2all synth\` exits ${synth.status}:\n${tail(synth.stderr || synth.stdout)}`);
  }
  // Exit 1: synth failed, or refused its output for policy errors. Synthesise again without the refusal.
  fs.rmSync(outdir, { recursive: true, force: true });
  const driver = run(process.execPath, ["-e", DRIVER, tree, outdir, configDir, ctx.env ?? ""], { cwd: tree, env });
  if (driver.status !== 0 || !fs.existsSync(path.join(outdir, "manifest.json"))) {
    throw new InputError(`${label} cannot be synthesised: its \`all2all synth\` fails:\n${tail(synth.stderr || synth.stdout)}`);
  }
  let blocking: string[] = [];
  try {
    blocking = (JSON.parse(driver.stdout.trim().split("\n").pop() ?? "{}") as { blocking?: string[] }).blocking ?? [];
  } catch {
    blocking = [];
  }
  notes.push(blocking.length > 0 ? policyNote(label, blocking) : `${label}: its \`all2all synth\` exits 1; synthesised again without its refusal`);
  return { ...readSynthOutput(outdir), notes };
}

/**
 * A ref's copy seeded with the working tree's build (seedBuild): where its
 * compiler writes, and the outputs copied there with their modification
 * time once copied.
 */
export interface Seed {
  /** The copy's tsconfig rootDir and outDir, and its tsc build info file (absolute). */
  readonly rootDir: string;
  readonly outDir: string;
  readonly buildInfo: string;
  readonly copied: ReadonlyMap<string, number>;
}

/** The compiled outputs of a source, by the source's extension. */
const OUTPUT_EXTENSIONS: ReadonlyArray<readonly [source: string, output: string]> = [
  [".ts", ".js"],
  [".tsx", ".js"],
  [".mts", ".mjs"],
  [".cts", ".cjs"],
];

/** The sources (relative to rootDir) an output (relative to outDir) can come from: none for a file tsc does not write. */
function sourcesOfOutput(rel: string): string[] {
  if (rel.endsWith(".json")) return [rel];
  const file = rel.endsWith(".map") ? rel.slice(0, -".map".length) : rel;
  for (const dts of [".d.ts", ".d.mts", ".d.cts"]) {
    if (file.endsWith(dts)) return OUTPUT_EXTENSIONS.filter(([src]) => src.endsWith(dts.slice(2))).map(([src]) => file.slice(0, -dts.length) + src);
  }
  return OUTPUT_EXTENSIONS.filter(([, out]) => file.endsWith(out)).map(([src, out]) => file.slice(0, -out.length) + src);
}

/** The output (relative to outDir) tsc writes for a source (relative to rootDir) it compiles, if any. */
function outputOfSource(rel: string): string | undefined {
  if (rel.endsWith(".json")) return rel;
  if (/\.d\.[mc]?ts$/.test(rel)) return undefined;
  const pair = OUTPUT_EXTENSIONS.find(([src]) => rel.endsWith(src));
  return pair === undefined ? undefined : rel.slice(0, -pair[0].length) + pair[1];
}

function isFile(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

function sameBytes(a: string, b: string): boolean {
  try {
    return fs.readFileSync(a).equals(fs.readFileSync(b));
  } catch {
    return false;
  }
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string, rel = ""): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel === "" ? entry.name : path.join(rel, entry.name);
    if (entry.isDirectory()) files.push(...filesUnder(dir, child));
    else if (entry.isFile()) files.push(child);
  }
  return files;
}

/** `scripts.build` of a package.json, if readable. */
function buildScript(dir: string): string | undefined {
  try {
    const script = (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { scripts?: { build?: unknown } }).scripts?.build;
    return typeof script === "string" ? script : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Seeds a ref's copy (`tree`, with the working tree's node_modules linked
 * in) with the working tree's last build, so that the ref's own
 * `npm run build` redoes only what its sources need:
 *
 * - `.gen/`, the generated bindings with their stamp: the ref's
 *   providers/get.js keeps them only when the stamp's hash is that of the
 *   ref's inputs (schemas, generator version, cdktf.json's constraint),
 *   else generates them again;
 * - tsc's outputs whose source the ref has, and the build info file
 *   (tsBuildInfoFile), its paths rewritten for the copy: tsc compiles again
 *   every file whose content (hash) or whose dependencies differ from what
 *   that build compiled, and keeps the rest.
 *
 * Only when nothing else could change what the build does: the same
 * tsconfig.json (incremental, with rootDir, outDir and tsBuildInfoFile),
 * the same `scripts.build` and providers/get.js, and a ref that holds no
 * .gen/ or outDir of its own. Outputs changed after the build info was
 * written (an interrupted build, a build running now, a hand edit) would
 * not be what tsc recorded: then nothing of the compiled output is used.
 * Returns undefined when tsc's output was not seeded (the bindings may
 * have been).
 */
export function seedBuild(root: string, tree: string): Seed | undefined {
  if (!sameBytes(path.join(root, "tsconfig.json"), path.join(tree, "tsconfig.json"))) return undefined;
  if (!sameBytes(path.join(root, "providers", "get.js"), path.join(tree, "providers", "get.js"))) return undefined;
  const script = buildScript(root);
  if (script === undefined || script !== buildScript(tree)) return undefined;
  let options: { incremental?: unknown; noEmit?: unknown; rootDir?: unknown; outDir?: unknown; tsBuildInfoFile?: unknown };
  try {
    options = (JSON.parse(fs.readFileSync(path.join(root, "tsconfig.json"), "utf8")) as { compilerOptions?: typeof options }).compilerOptions ?? {};
  } catch {
    return undefined; // comments, say: not read here
  }
  const { incremental, noEmit, rootDir, outDir, tsBuildInfoFile } = options;
  if (incremental !== true || noEmit === true || typeof rootDir !== "string" || typeof outDir !== "string" || typeof tsBuildInfoFile !== "string") return undefined;
  const gen = path.join(root, ".gen");
  const treeGen = path.join(tree, ".gen");
  const rootOut = path.resolve(root, outDir);
  const seed: Seed = { rootDir: path.resolve(tree, rootDir), outDir: path.resolve(tree, outDir), buildInfo: path.resolve(tree, tsBuildInfoFile), copied: new Map() };
  const rootInfo = path.resolve(root, tsBuildInfoFile);
  if (path.relative(root, rootInfo).startsWith("..") || path.relative(root, rootOut).startsWith("..")) return undefined;
  if (fs.existsSync(treeGen) || fs.existsSync(seed.outDir) || fs.existsSync(seed.buildInfo)) return undefined;

  // 1. The bindings, copied whole: get.js replaces .gen/ by a rename, so the same directory before and after means one consistent copy.
  const genBefore = fs.statSync(gen, { throwIfNoEntry: false });
  if (genBefore === undefined || !isFile(path.join(gen, ".stamp"))) return undefined;
  try {
    fs.cpSync(gen, treeGen, { recursive: true, dereference: true });
  } catch {
    fs.rmSync(treeGen, { recursive: true, force: true });
    return undefined;
  }
  const genAfter = fs.statSync(gen, { throwIfNoEntry: false });
  if (genAfter === undefined || genAfter.ino !== genBefore.ino || !sameBytes(path.join(gen, ".stamp"), path.join(treeGen, ".stamp"))) {
    fs.rmSync(treeGen, { recursive: true, force: true });
    return undefined;
  }

  // 2. tsc's outputs and build info, if they are what that build wrote.
  const abandon = (): undefined => {
    fs.rmSync(seed.outDir, { recursive: true, force: true });
    fs.rmSync(seed.buildInfo, { force: true });
    return undefined;
  };
  let info: { fileNames?: unknown };
  let infoBefore: fs.Stats;
  try {
    infoBefore = fs.statSync(rootInfo);
    info = JSON.parse(fs.readFileSync(rootInfo, "utf8")) as { fileNames?: unknown };
  } catch {
    return undefined;
  }
  const fileNames = info.fileNames;
  if (!Array.isArray(fileNames) || !fileNames.every((f): f is string => typeof f === "string")) return undefined;
  const copied = seed.copied as Map<string, number>;
  try {
    for (const rel of filesUnder(rootOut)) {
      const from = path.join(rootOut, rel);
      if (from === rootInfo) continue;
      // Only outputs of sources the ref has: a build from scratch would not write the others.
      if (!sourcesOfOutput(rel).some((src) => isFile(path.join(seed.rootDir, src)))) continue;
      const to = path.join(seed.outDir, rel);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
      // Written after the build info (tsc writes that last): not the output it recorded.
      if (fs.statSync(from).mtimeMs > infoBefore.mtimeMs) return abandon();
      copied.set(to, fs.statSync(to).mtimeMs);
    }
    const infoAfter = fs.statSync(rootInfo);
    if (infoAfter.mtimeMs !== infoBefore.mtimeMs || infoAfter.size !== infoBefore.size) return abandon();
  } catch {
    return abandon();
  }

  // The build info names files relative to itself. The project's files become the copy's; the
  // copy's node_modules is a link, which tsc resolves: it records the real paths, so those are given.
  const realModules = fs.existsSync(path.join(root, "node_modules")) ? fs.realpathSync(path.join(root, "node_modules")) : undefined;
  const infoDir = path.dirname(seed.buildInfo);
  info.fileNames = fileNames.map((name) => {
    const abs = path.resolve(path.dirname(rootInfo), name);
    const rel = path.relative(root, abs);
    let target: string;
    if (rel.startsWith("..") || path.isAbsolute(rel)) target = abs;
    else if (rel.split(path.sep)[0] === "node_modules" && realModules !== undefined) target = path.join(realModules, path.relative("node_modules", rel));
    else target = path.join(tree, rel);
    return path.relative(infoDir, target).split(path.sep).join("/");
  });
  fs.mkdirSync(infoDir, { recursive: true });
  fs.writeFileSync(seed.buildInfo, JSON.stringify(info));
  return seed;
}

/**
 * After a seeded build: removes the copied outputs the build did not write
 * again and whose source the ref no longer has (bindings generated anew),
 * as a build from scratch would not have them, and checks that every file
 * the build compiled (its build info) has its output. False when one is
 * missing: the seed did not hold what tsc assumed, and the caller builds
 * from scratch.
 */
export function finishSeededBuild(seed: Seed): boolean {
  for (const [file, mtime] of seed.copied) {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat === undefined || stat.mtimeMs !== mtime) continue;
    if (!sourcesOfOutput(path.relative(seed.outDir, file)).some((src) => isFile(path.join(seed.rootDir, src)))) fs.rmSync(file, { force: true });
  }
  let fileNames: unknown;
  try {
    fileNames = (JSON.parse(fs.readFileSync(seed.buildInfo, "utf8")) as { fileNames?: unknown }).fileNames;
  } catch {
    return false;
  }
  if (!Array.isArray(fileNames)) return false;
  for (const name of fileNames) {
    if (typeof name !== "string") return false;
    const rel = path.relative(seed.rootDir, path.resolve(path.dirname(seed.buildInfo), name));
    if (rel.startsWith("..") || path.isAbsolute(rel) || rel.split(path.sep).includes("node_modules")) continue;
    const output = outputOfSource(rel);
    if (output !== undefined && !isFile(path.join(seed.outDir, output))) return false;
  }
  return true;
}

/**
 * Synthesises a built tree through its compiled modules (argv: tree, out,
 * config, env), with the policy pack's findings reported but not refused.
 * Prints `{"blocking": [rule…]}`.
 */
const DRIVER = `
"use strict";
const path = require("node:path");
const [root, out, config, env] = process.argv.slice(1);
const req = (m) => require(path.join(root, "dist", m));
const { loadNetwork, formatConfigProblems } = req("spec");
const { buildApp } = req("stacks/app");
const { readProjectConfig } = req("cli/project");
const loaded = loadNetwork(config, env ? { env } : {});
if (!loaded.ok) { for (const l of formatConfigProblems(loaded.problems)) console.error(l); process.exit(2); }
const built = buildApp(loaded.specs, { outdir: out, context: readProjectConfig(root).context });
let policies;
try { policies = req("policies"); } catch { policies = undefined; }
const run = policies && policies.applyPolicies ? policies.applyPolicies(built.app, built.environments) : undefined;
built.app.synth();
const blocking = run ? policies.blockingFindings(run.finish(out)).map((f) => f.rule) : [];
console.log(JSON.stringify({ blocking }));
`;

/**
 * Synthesises one side. `name` is what the report calls it (`HEAD~1
 * (1a2b3c4d5e)`, `the working tree`); messages say `base HEAD~1 (…)`.
 */
export async function synthSide(spec: SideSpec, ctx: SideContext, role: "base" | "head"): Promise<{ output: SideOutput; name: string }> {
  if (spec.kind === "worktree") {
    const name = "the working tree";
    return { output: await synthHere(ctx.root, ctx.configDir, ctx.env, `${role} (${name})`, ctx.root), name };
  }
  const commit = resolveCommit(ctx.top, spec.ref);
  const name = `${spec.ref} (${commit.slice(0, 10)})`;
  return { output: await synthRef(commit, `${role} ${name}`, ctx), name };
}

/** Stack order of the two sides together. */
export function stackOrderOf(...sides: SideOutput[]): string[] {
  const deps = new Map<string, string[]>();
  for (const side of sides) for (const [name, d] of side.dependencies) deps.set(name, [...new Set([...(deps.get(name) ?? []), ...d])]);
  return deploymentOrder(deps);
}

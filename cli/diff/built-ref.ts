/**
 * A ref whose code differs from the working tree, built and synthesised with
 * its own code in its worktree (worktree.ts): dependencies (the current
 * node_modules, else npm ci), `npm run build`, its own `all2all synth`, and,
 * when that refuses its output, its compiled modules run by DRIVER without
 * the refusal.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../errors";

import { run } from "./git";
import type { RefusalError } from "./change-types";

import { withCdktnDefaults } from "../../stacks/app";
import { buildStamp, cachedSynth, forgetBuilt, isBuilt, keepSynth, markBuilt, synthKey } from "./ref-cache";

import {
  configurationErrors,
  policyError,
  policyNote,
  readSynthOutput,
  synthErrors,
  tail,
  type BlockingFinding,
  type SideContext,
  type SideOutput,
} from "./side-output";

/** The environment of the processes run in a ref's copy. */
export function copyEnv(ctx: SideContext): NodeJS.ProcessEnv {
  const env = withCdktnDefaults(ctx.processEnv);
  delete env.ALL2ALL_CONFIG;
  return env;
}

/** The ref's dependencies: the current node_modules when its package-lock.json is the same, else `npm ci`. */
function installDependencies(tree: string, label: string, ctx: SideContext, where: string): string {
  const lock = (dir: string): Buffer | undefined => {
    const file = path.join(dir, "package-lock.json");
    return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
  };
  const ours = lock(ctx.root);
  const theirs = lock(tree);
  if (ours !== undefined && theirs?.equals(ours) && fs.existsSync(path.join(ctx.root, "node_modules"))) {
    const link = path.join(tree, "node_modules");
    // A node_modules committed by mistake (a symlink, say) gives way to the current install.
    if (fs.lstatSync(link, { throwIfNoEntry: false }) !== undefined) fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(fs.realpathSync(path.join(ctx.root, "node_modules")), link, "dir");
    return (
      `${label} was built and synthesised with its own code ${where} (its code differs from the working tree; ` +
      "the current node_modules was reused, its package-lock.json being the same)"
    );
  }
  ctx.progress(
    `diff: ${label}: package-lock.json differs from the working tree's: ` +
      "installing its dependencies with npm ci (slow, needs the npm registry)…",
  );
  const ci = run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: tree, env: copyEnv(ctx) });
  if (ci.status !== 0) {
    throw new InputError(`${label} cannot be synthesised: npm ci failed in its copy:\n${tail(ci.stderr || ci.stdout)}`);
  }
  return (
    `${label} was built and synthesised with its own code ${where}, ` +
    "after `npm ci` (its package-lock.json differs from the working tree's)"
  );
}

/** `npm run build` in the ref's worktree: its own incremental build. */
function buildTree(tree: string, label: string, ctx: SideContext): void {
  ctx.progress(`diff: ${label}: building its code (npm run build)…`);
  const build = run("npm", ["run", "build", "--silent"], { cwd: tree, env: copyEnv(ctx) });
  if (build.status !== 0) {
    const output = tail(`${build.stdout}\n${build.stderr}`);
    throw new InputError(`${label} cannot be synthesised: npm run build failed in its copy:\n${output}`);
  }
}

/**
 * Builds the ref in `tree` and synthesises its config with its own code into
 * `tmp`. The head (`refuse`) is validated as synth validates it, and what its
 * synth refuses is in `refusals`; a base need not be.
 */
export function buildAndSynth(
  tree: string,
  tmp: string,
  configDir: string,
  label: string,
  ctx: SideContext,
  options: { readonly refuse?: boolean; readonly kept?: boolean; readonly cache?: string } = {},
): SideOutput {
  const where = options.kept
    ? "in a git worktree kept between runs, with its own incremental build"
    : "in a temporary git worktree (the kept one is in use by another run)";
  const notes = [installDependencies(tree, label, ctx, where)];
  const stamp = buildStamp(tree);
  if (isBuilt(tree, stamp)) {
    ctx.progress(`diff: ${label}: already built by an earlier run (same tree, same dependencies)`);
  } else {
    forgetBuilt(tree);
    buildTree(tree, label, ctx);
    markBuilt(tree, stamp);
  }
  const key =
    options.cache !== undefined
      ? synthKey(stamp, configDir, { env: ctx.env, validated: options.refuse === true, processEnv: copyEnv(ctx) })
      : undefined;
  const cached = options.cache !== undefined ? cachedSynth(options.cache, key) : undefined;
  if (cached !== undefined) {
    ctx.progress(`diff: ${label}: synthesised by an earlier run (same build, same configuration)`);
    notes.push(
      `${label}: its build and synthesis were those of an earlier run (same tree, dependencies and configuration)`,
    );
    return { ...readSynthOutput(cached), notes, ...(options.refuse ? { refusals: [] } : {}) };
  }
  const outdir = path.join(tmp, "cdktf.out");
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
  const synth = run(process.execPath, args, { cwd: tree, env: copyEnv(ctx) });
  if (synth.status === 0 && fs.existsSync(path.join(outdir, "manifest.json"))) {
    if (options.cache !== undefined) keepSynth(options.cache, key, outdir);
    return { ...readSynthOutput(outdir), notes, ...(options.refuse ? { refusals: [] } : {}) };
  }
  if (synth.status === 2 && options.refuse) {
    return { docs: new Map(), dependencies: new Map(), notes, refusals: configurationErrors(synth.stderr.split("\n")) };
  }
  const printed = tail(synth.stderr || synth.stdout);
  if (synth.status !== 1) {
    throw new InputError(`${label} cannot be synthesised: its \`all2all synth\` exits ${synth.status}:\n${printed}`);
  }
  // Exit 1: synth failed (an error of its constructs, schema validation), or refused its output for policy
  // errors. What it printed is what it refuses; synthesise again without the refusal.
  return withoutRefusal(tree, outdir, configDir, label, ctx, synth.stderr, printed, notes, options.refuse === true);
}

/** The ref synthesised again through its compiled modules (DRIVER), its policy errors reported, not refused. */
function withoutRefusal(
  tree: string,
  outdir: string,
  configDir: string,
  label: string,
  ctx: SideContext,
  stderr: string,
  printed: string,
  notes: string[],
  refuse: boolean,
): SideOutput {
  const refusals: RefusalError[] = synthErrors(stderr);
  fs.rmSync(outdir, { recursive: true, force: true });
  const driverArgs = ["-e", DRIVER, tree, outdir, configDir, ctx.env ?? ""];
  const driver = run(process.execPath, driverArgs, { cwd: tree, env: copyEnv(ctx) });
  if (driver.status !== 0 || !fs.existsSync(path.join(outdir, "manifest.json"))) {
    if (!refuse) throw new InputError(`${label} cannot be synthesised: its \`all2all synth\` fails:\n${printed}`);
    const why: RefusalError[] = refusals.length > 0 ? refusals : [{ kind: "synth", message: printed }];
    return { docs: new Map(), dependencies: new Map(), notes, refusals: why };
  }
  const { blocking, findings } = driverReport(driver.stdout);
  notes.push(
    blocking.length > 0
      ? policyNote(label, blocking)
      : `${label}: its \`all2all synth\` exits 1; synthesised again without its refusal`,
  );
  if (!refuse) return { ...readSynthOutput(outdir), notes };
  const policy =
    findings.length > 0
      ? findings.map(policyError)
      : blocking.map(
          (rule): RefusalError => ({ kind: "policy", rule, message: `${rule}: an unsuppressed policy error` }),
        );
  const all = [...refusals, ...policy];
  const fallback: RefusalError[] = [{ kind: "synth", message: `its \`all2all synth\` exits 1:\n${printed}` }];
  return { ...readSynthOutput(outdir), notes, refusals: all.length > 0 ? all : fallback };
}

/** What DRIVER printed last: the blocking rules and findings (none when it printed nothing readable). */
function driverReport(stdout: string): { blocking: string[]; findings: BlockingFinding[] } {
  try {
    const reported = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as {
      blocking?: string[];
      findings?: BlockingFinding[];
    };
    return { blocking: reported.blocking ?? [], findings: reported.findings ?? [] };
  } catch {
    return { blocking: [], findings: [] };
  }
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
// The model of the description is description/ since it was renamed; an older ref has it in spec/.
const { loadNetwork, formatConfigProblems } = req(has("description/index") ? "description" : "spec");
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
const findings = found.map((f) => ({
  rule: f.rule,
  stack: f.stack || "",
  address: f.address || "",
  message: f.message || "",
}));
console.log(JSON.stringify({ blocking, findings }));
`;

/**
 * What a kept worktree (worktree.ts) remembers between runs of `all2all
 * diff`, so that a ref compared again (a pull request's base, run after run)
 * is neither built nor synthesised again:
 *
 * - its build stamp, `dist/.all2all-diff-build` in the worktree: the git tree
 *   it built and the dependencies it built with. When both are unchanged,
 *   `npm run build` is skipped: a checkout rewrites the tracked files to the
 *   commit's, so the same tree means the same sources. The stamp is removed
 *   before a build and written after it succeeds, so an interrupted build
 *   leaves none; a `git clean` that removes dist/ removes it too.
 * - its last clean synthesis, beside the worktree
 *   (`<git dir>/all2all-diff/<role>.synth/`): the output of the ref's own
 *   `all2all synth`, under a key made of the build stamp, the configuration's
 *   files, the environment and whether it was validated. Only a synth that
 *   succeeded is kept; one the ref refuses is run again each time.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { inputsDigest } from "./config-digest";
import { run } from "./git";

const STAMP = path.join("dist", ".all2all-diff-build");

/** The build stamp the worktree `tree` would have once built now; undefined outside git. */
export function buildStamp(tree: string): string | undefined {
  const head = run("git", ["rev-parse", "HEAD^{tree}"], { cwd: tree });
  if (head.status !== 0) return undefined;
  const lock = path.join(tree, "package-lock.json");
  const modules = path.join(tree, "node_modules");
  return JSON.stringify({
    tree: head.stdout.trim(),
    lock: fs.existsSync(lock) ? createHash("sha256").update(fs.readFileSync(lock)).digest("hex") : null,
    node_modules: fs.existsSync(modules) ? fs.realpathSync(modules) : null,
    node: process.version,
  });
}

/** Whether the worktree's build is of `stamp` (its tree and dependencies). */
export function isBuilt(tree: string, stamp: string | undefined): boolean {
  if (stamp === undefined) return false;
  const file = path.join(tree, STAMP);
  return fs.existsSync(file) && fs.readFileSync(file, "utf8") === stamp;
}

/** Forgets the worktree's build stamp (before a build: until it succeeds, the build is of no known tree). */
export function forgetBuilt(tree: string): void {
  fs.rmSync(path.join(tree, STAMP), { force: true });
}

/** Records that the worktree's build is of `stamp`. */
export function markBuilt(tree: string, stamp: string | undefined): void {
  if (stamp === undefined || !fs.existsSync(path.join(tree, "dist"))) return;
  fs.writeFileSync(path.join(tree, STAMP), stamp);
}

/** Variables of the environment that a synth may read (ALL2ALL_STATE_ENCRYPTION, cdktn's switches). */
const SYNTH_VARIABLES = /^(ALL2ALL|CDKTN|CDKTF)_/;

/**
 * The key of a synthesis: the build, the configuration's files, the
 * environment asked for, whether it was validated, and the variables a
 * synth may read in the environment it runs with.
 */
export function synthKey(
  stamp: string | undefined,
  configDir: string,
  options: { readonly env: string | undefined; readonly validated: boolean; readonly processEnv: NodeJS.ProcessEnv },
): string | undefined {
  const config = inputsDigest(configDir, options.env, null);
  if (stamp === undefined || config === undefined) return undefined;
  const variables = Object.entries(options.processEnv)
    .filter(([name]) => SYNTH_VARIABLES.test(name))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash("sha256")
    .update(JSON.stringify({ stamp, config, validated: options.validated, variables }))
    .digest("hex");
}

/** The kept output of the synthesis `key` in `cache`, if it is the one kept. */
export function cachedSynth(cache: string, key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  const keyFile = path.join(cache, "key");
  const outdir = path.join(cache, "cdktf.out");
  if (!fs.existsSync(keyFile) || fs.readFileSync(keyFile, "utf8") !== key) return undefined;
  return fs.existsSync(path.join(outdir, "manifest.json")) ? outdir : undefined;
}

/** Keeps `outdir` as the synthesis `key` in `cache`, in place of the one kept before (moved in once complete). */
export function keepSynth(cache: string, key: string | undefined, outdir: string): void {
  if (key === undefined) return;
  const next = `${cache}.tmp-${process.pid}`;
  fs.rmSync(next, { recursive: true, force: true });
  try {
    fs.mkdirSync(next, { recursive: true });
    fs.cpSync(outdir, path.join(next, "cdktf.out"), { recursive: true });
    fs.writeFileSync(path.join(next, "key"), key);
    fs.rmSync(cache, { recursive: true, force: true });
    fs.renameSync(next, cache);
  } catch {
    // A cache that cannot be written only costs the next run a synthesis.
    fs.rmSync(next, { recursive: true, force: true });
  }
}

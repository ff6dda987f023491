/**
 * The few git commands `all2all diff` runs to read the repository:
 * resolving refs and asking whether files differ. The worktrees in which
 * refs are built are worktree.ts's.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../errors";

export interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion; `input` is fed to its standard input. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: Buffer } = { cwd: "." },
): Run {
  const result: SpawnSyncReturns<Buffer> = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    input: options.input,
    maxBuffer: 512 * 1024 * 1024,
    windowsHide: true,
  });
  if (result.error) {
    return { status: 127, stdout: "", stderr: `${command}: ${result.error.message}` };
  }
  return {
    status: result.status ?? 1,
    stdout: result.stdout?.toString("utf8") ?? "",
    stderr: result.stderr?.toString("utf8") ?? "",
  };
}

function git(cwd: string, args: readonly string[], input?: Buffer): Run {
  // Never prompt, never page, never colour.
  return run("git", ["-c", "core.pager=cat", "-c", "color.ui=never", ...args], {
    cwd,
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
    input,
  });
}

/** The repository holding `dir`: its top level, and `dir` relative to it (`""` at the top). */
export function repositoryOf(dir: string): { top: string; prefix: string } {
  const r = git(dir, ["rev-parse", "--show-toplevel"]);
  if (r.status !== 0)
    throw new InputError(`${dir} is not in a git repository (all2all diff compares git refs): ${r.stderr.trim()}`);
  const top = fs.realpathSync(r.stdout.trim());
  const prefix = path.relative(top, fs.realpathSync(dir)).split(path.sep).join("/");
  return { top, prefix };
}

/** The commit a ref names, or an InputError. */
export function resolveCommit(top: string, ref: string): string {
  if (ref.trim() === "" || ref.startsWith("-")) throw new InputError(`${JSON.stringify(ref)} is not a git ref`);
  const r = git(top, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  if (r.status !== 0 || r.stdout.trim() === "")
    throw new InputError(`unknown git ref ${JSON.stringify(ref)} (not a commit of ${top})`);
  return r.stdout.trim();
}

/** The content of `file` (relative to the repository's top) in the commit, or undefined when it has none. */
export function fileInCommit(top: string, commit: string, file: string): string | undefined {
  const r = git(top, ["show", `${commit}:${file}`]);
  return r.status === 0 ? r.stdout : undefined;
}

/** True when `file` (relative to the repository's top) exists in the commit. */
export function existsInCommit(top: string, commit: string, file: string): boolean {
  return git(top, ["cat-file", "-e", `${commit}:${file}`]).status === 0;
}

/**
 * True when no tracked file under `dir` other than the `excluded` paths
 * (relative to `dir`; globs allowed) differs between the commit and the
 * working tree, staged or not.
 */
export function sameAsWorkingTree(dir: string, commit: string, excluded: readonly string[]): boolean {
  const pathspecs = [".", ...excluded.map((e) => `:(exclude,glob)${e}`)];
  const r = git(dir, ["diff", "--quiet", "--no-ext-diff", "--no-textconv", commit, "--", ...pathspecs]);
  if (r.status > 1) throw new Error(`git diff failed: ${r.stderr.trim()}`);
  return r.status === 0;
}

/**
 * The checkout in which `all2all diff` builds a ref with its own code: a git
 * worktree, kept between runs in the repository's git folder
 * (`<git common dir>/all2all-diff/<role>`, one for the base and one for the
 * head), and moved to each new ref with `git checkout`. A checkout rewrites
 * only the files that differ, and the worktree keeps its own build (`.gen/`,
 * `dist/` with tsc's incremental build info), so `npm run build` there is
 * the normal incremental build: it compiles what the ref changed since the
 * last ref built there, and nothing when the ref is the same.
 *
 * One run at a time uses a kept worktree (a lock file holding its process
 * id). When another live run holds it, this run takes a temporary worktree,
 * removed when released. A lock left by a killed run is taken over.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { processAlive } from "../../primitives/process-alive";
import { run } from "./git";

export interface RefCheckout {
  /** The worktree's top folder, at the commit. */
  readonly dir: string;
  /** Whether it is the kept worktree (its build from earlier runs reused), or a temporary one. */
  readonly kept: boolean;
  /** Where the kept worktree keeps its last synthesis (ref-cache.ts); none for a temporary one. */
  readonly cache?: string;
  /** Releases the lock (kept) or removes the worktree (temporary). */
  release(): void;
}

function git(cwd: string, args: readonly string[]): { status: number; stdout: string; stderr: string } {
  return run("git", ["-c", "core.pager=cat", "-c", "color.ui=never", ...args], {
    cwd,
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
  });
}

function must(cwd: string, args: readonly string[]): string {
  const r = git(cwd, args);
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout.trim();
}

/** Takes `file` as a lock for this process; false when a live process holds it. */
function takeLock(file: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(fs.readFileSync(file, "utf8").trim());
      // this process too: one use at a time
      if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) return false;
      fs.rmSync(file, { force: true }); // left by a run that is gone: take it over
    }
  }
  return false;
}

/** Whether `dir` is a worktree of the repository at `top` (registered, and its files there). */
function isWorktreeOf(top: string, dir: string): boolean {
  if (!fs.existsSync(path.join(dir, ".git"))) return false;
  const listed = git(top, ["worktree", "list", "--porcelain"]);
  const real = fs.realpathSync(dir);
  return (
    listed.status === 0 &&
    listed.stdout.split("\n").some((line) => line === `worktree ${dir}` || line === `worktree ${real}`)
  );
}

/**
 * Moves a worktree to `commit`: tracked files as in the commit, untracked files gone, ignored ones (the build) kept.
 */
function moveTo(dir: string, commit: string): void {
  must(dir, ["checkout", "--quiet", "--detach", "--force", commit]);
  must(dir, ["clean", "--quiet", "-d", "--force"]);
}

/** Adds a detached worktree of `commit` at `dir` (which must not exist). */
function addWorktree(top: string, dir: string, commit: string): void {
  must(top, ["worktree", "add", "--quiet", "--detach", "--force", dir, commit]);
}

/**
 * The repository `top` at `commit` in a worktree for `role` (`base`,
 * `head`): the kept one when free, else a temporary one.
 */
export function checkoutRef(top: string, commit: string, role: string): RefCheckout {
  const common = path.resolve(top, must(top, ["rev-parse", "--git-common-dir"]));
  const folder = path.join(common, "all2all-diff");
  fs.mkdirSync(folder, { recursive: true });
  const dir = path.join(folder, role);
  const lock = path.join(folder, `${role}.lock`);
  if (takeLock(lock)) {
    try {
      if (isWorktreeOf(top, dir)) moveTo(dir, commit);
      else {
        fs.rmSync(dir, { recursive: true, force: true });
        git(top, ["worktree", "prune"]);
        addWorktree(top, dir, commit);
      }
    } catch (err) {
      fs.rmSync(lock, { force: true });
      throw err;
    }
    return {
      dir,
      kept: true,
      cache: path.join(folder, `${role}.synth`),
      release: () => fs.rmSync(lock, { force: true }),
    };
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-diff-worktree-"));
  const temporary = path.join(tmp, "tree");
  addWorktree(top, temporary, commit);
  return {
    dir: temporary,
    kept: false,
    release: () => {
      git(top, ["worktree", "remove", "--force", temporary]);
      fs.rmSync(tmp, { recursive: true, force: true });
      git(top, ["worktree", "prune"]);
    },
  };
}

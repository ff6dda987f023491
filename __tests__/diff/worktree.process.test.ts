// cli/diff/worktree.ts on a small repository: the kept worktree moves from ref to ref and keeps its build,
// a second run at once gets a temporary worktree, and a lock left by a run that is gone is taken over.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkoutRef } from "../../cli/diff/worktree";
import { makeTempDir } from "../../testing/tmp";

const t = makeTempDir("all2all-worktree-");
afterAll(() => t.cleanup());
const top = path.join(t.dir, "repo");

function git(...args: string[]): string {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "t",
    GIT_AUTHOR_EMAIL: "t@example.org",
    GIT_COMMITTER_NAME: "t",
    GIT_COMMITTER_EMAIL: "t@example.org",
  };
  const r = spawnSync("git", args, { cwd: top, env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

function commit(text: string): string {
  fs.writeFileSync(path.join(top, "code.ts"), text);
  git("add", "-A");
  git("commit", "--quiet", "-m", text);
  return git("rev-parse", "HEAD");
}

let first: string;
let second: string;
beforeAll(() => {
  fs.mkdirSync(top);
  git("init", "--quiet");
  fs.writeFileSync(path.join(top, ".gitignore"), "dist\n");
  first = commit("one");
  second = commit("two");
});

const kept = () => path.join(top, ".git", "all2all-diff", "base");

test("the kept worktree moves to each ref, drops untracked files and keeps ignored ones (the build)", () => {
  const a = checkoutRef(top, first, "base");
  expect(a).toMatchObject({ dir: kept(), kept: true });
  expect(fs.readFileSync(path.join(a.dir, "code.ts"), "utf8")).toBe("one");
  fs.mkdirSync(path.join(a.dir, "dist"));
  fs.writeFileSync(path.join(a.dir, "dist", "code.js"), "built");
  fs.writeFileSync(path.join(a.dir, "left-over.txt"), "untracked");
  a.release();
  expect(fs.existsSync(path.join(top, ".git", "all2all-diff", "base.lock"))).toBe(false);

  const b = checkoutRef(top, second, "base");
  expect(b).toMatchObject({ dir: kept(), kept: true });
  expect(fs.readFileSync(path.join(b.dir, "code.ts"), "utf8")).toBe("two");
  expect(fs.readFileSync(path.join(b.dir, "dist", "code.js"), "utf8")).toBe("built");
  expect(fs.existsSync(path.join(b.dir, "left-over.txt"))).toBe(false);
  b.release();
});

test("while a live run holds the kept worktree, another gets a temporary one, removed on release", () => {
  const holder = checkoutRef(top, first, "base");
  const other = checkoutRef(top, second, "base");
  try {
    expect(other.kept).toBe(false);
    expect(other.dir).not.toBe(kept());
    expect(fs.readFileSync(path.join(other.dir, "code.ts"), "utf8")).toBe("two");
    expect(fs.readFileSync(path.join(holder.dir, "code.ts"), "utf8")).toBe("one");
  } finally {
    other.release();
    holder.release();
  }
  expect(fs.existsSync(other.dir)).toBe(false);
  expect(
    git("worktree", "list", "--porcelain")
      .split("\n")
      .filter((l) => l.startsWith("worktree ")),
  ).toHaveLength(2);
});

test("a lock left by a run that is gone is taken over", () => {
  // A process id far above any the kernel hands out here (pid_max is at most 2^22).
  fs.writeFileSync(path.join(top, ".git", "all2all-diff", "base.lock"), `${2 ** 22 + 7}\n`);
  const c = checkoutRef(top, first, "base");
  expect(c).toMatchObject({ dir: kept(), kept: true });
  expect(fs.readFileSync(path.join(top, ".git", "all2all-diff", "base.lock"), "utf8").trim()).toBe(String(process.pid));
  c.release();
});

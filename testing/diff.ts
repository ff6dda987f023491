/**
 * Helpers for the tests of `all2all diff` and `all2all plan-summary`:
 * stack documents and plans built in the test, and temporary clones of this
 * repository to commit changes in (outside __tests__ so jest does not run
 * them as tests).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type DiffOptions, runDiff } from "../cli/diff";
import type { StackDocument } from "../cli/diff/blocks";
import { compareOutputs } from "../cli/diff/compare";
import type { Change } from "../cli/diff/change-types";
import { parsePlan, summarisePlans } from "../cli/diff/plan";
import { loadReplaceTables } from "../cli/diff/tables";
import { InputError } from "../cli/errors";
import { captureIo, ExitCode, type Io } from "../cli/io";
import type { ReplaceTables } from "../cli/diff/tables";
import { makeTempDir, repoRoot } from "./tmp";

/** The project's replacement table (providers/hcloud/replace.json). */
export function tables(): ReplaceTables {
  return loadReplaceTables(repoRoot);
}

/**
 * Runs a command function as cli/main.ts does: an InputError is printed as
 * one line and is exit code 2.
 */
export async function exitCodeOf(
  command: () => Promise<number>,
  io: Io & { stderr: string[] },
): Promise<{ code: number; stderr: string[] }> {
  try {
    return { code: await command(), stderr: io.stderr };
  } catch (err) {
    if (err instanceof InputError) {
      io.err(`all2all: ${err.message}`);
      return { code: ExitCode.badInput, stderr: io.stderr };
    }
    throw err;
  }
}

/** compareOutputs on stacks given by name, with the project's replacement table. */
export function compareStacks(
  base: Record<string, StackDocument>,
  head: Record<string, StackDocument>,
  replaceTables: ReplaceTables = tables(),
): Change[] {
  return compareOutputs(new Map(Object.entries(base)), new Map(Object.entries(head)), replaceTables);
}

/** The one change at `address` (in `stack`, when given): the test fails unless there is exactly one. */
export function onlyChange(changes: Change[], address: string, stack?: string): Change {
  const found = changes.filter((c) => c.address === address && (stack === undefined || c.stack === stack));
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** summarisePlans on one plan of these resource changes (see planDoc) of `production-servers`. */
export function planChanges(...resourceChanges: Record<string, unknown>[]): Change[] {
  return summarisePlans(
    [{ stack: "production-servers", plan: parsePlan(planDoc(resourceChanges), "plan.json") }],
    tables(),
  );
}

/** A change with nothing in its lists: production-servers' hcloud_server.web-1 updated, unless overridden. */
export function changeOf(overrides: Partial<Change> = {}): Change {
  return {
    stack: "production-servers",
    address: "hcloud_server.web-1",
    kind: "resource",
    type: "hcloud_server",
    name: "web-1",
    action: "update",
    stateful: true,
    summary: [],
    attributes: [],
    dangers: [],
    warnings: [],
    notes: [],
    ...overrides,
  };
}

/** A deep copy of a JSON value. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A stack document with the given resources (`{ type: { name: body } }`) and other top-level blocks. */
export function stackDoc(
  resource: Record<string, Record<string, unknown>>,
  rest: Record<string, unknown> = {},
): Record<string, unknown> {
  return { resource, ...rest };
}

/**
 * A server as this project synthesises it (protected, a linked primary IPv4 and IPv6, image/ssh_keys/user_data
 * ignored).
 */
export function server(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "//": { metadata: { path: `production-servers/${name}/server`, uniqueId: name } },
    name,
    server_type: "cx32",
    image: "debian-13",
    location: "fsn1",
    backups: true,
    delete_protection: true,
    rebuild_protection: true,
    keep_disk: true,
    labels: { environment: "production", "managed-by": "all2all-infra", role: "web", "fw-base": "on", "fw-web": "on" },
    lifecycle: { ignore_changes: ["image", "ssh_keys", "user_data"], prevent_destroy: true },
    public_net: [
      {
        ipv4: `\${hcloud_primary_ip.${name}-ipv4.id}`,
        ipv4_enabled: true,
        ipv6: `\${hcloud_primary_ip.${name}-ipv6.id}`,
        ipv6_enabled: true,
      },
    ],
    ssh_keys: ["${data.terraform_remote_state.network.outputs.alice}"],
    user_data: "#cloud-config\npackage_update: true\n",
    ...overrides,
  };
}

/** A firewall with a label selector and rules. */
export function firewall(
  name: string,
  rules: Record<string, unknown>[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name,
    labels: { environment: "production", "managed-by": "all2all-infra", role: "firewall" },
    apply_to: [{ label_selector: `fw-${name}=on` }],
    rule: rules,
    ...overrides,
  };
}

/** An inbound firewall rule. */
export function inbound(
  protocol: string,
  port: string | undefined,
  sources: string[],
  description = `${protocol} ${port ?? ""}`.trim(),
): Record<string, unknown> {
  return { direction: "in", protocol, ...(port !== undefined ? { port } : {}), source_ips: sources, description };
}

/** One resource change of a plan in the documented JSON output format. */
export function resourceChange(
  address: string,
  actions: string[],
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  extra: {
    after_unknown?: unknown;
    before_sensitive?: unknown;
    after_sensitive?: unknown;
    replace_paths?: unknown[];
    action_reason?: string;
    importing?: unknown;
    previous_address?: string;
  } = {},
): Record<string, unknown> {
  const dot = address.lastIndexOf(".");
  const type = address.slice(0, dot).replace(/^.*\./, "");
  const { action_reason, previous_address, ...change } = extra;
  return {
    address,
    ...(previous_address ? { previous_address } : {}),
    mode: "managed",
    type,
    name: address.slice(dot + 1),
    provider_name: "registry.opentofu.org/hetznercloud/hcloud",
    change: {
      actions,
      before,
      after,
      after_unknown: change.after_unknown ?? {},
      before_sensitive: change.before_sensitive ?? {},
      after_sensitive: change.after_sensitive ?? {},
      ...change,
    },
    ...(action_reason ? { action_reason } : {}),
  };
}

/** A plan document (`tofu show -json plan.out`) with these resource changes. */
export function planDoc(
  resourceChanges: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { format_version: "1.2", terraform_version: "1.10.5", resource_changes: resourceChanges, ...extra };
}

/**
 * A temporary clone of this repository (its HEAD), with node_modules linked
 * in and, when this repository has them, copies of its build products
 * (.gen/ and dist/, timestamps kept), as in a working tree after
 * `npm ci && npm run build`. Commit changes in it.
 */
export interface Clone {
  readonly dir: string;
  /** True when the clone was given this repository's build (.gen/ with its stamp, dist/ with tsc's build info). */
  readonly built: boolean;
  /** Runs git in the clone and returns its standard output. */
  git(...args: string[]): string;
  /** Replaces text in a file of the clone (the text must be there). */
  edit(file: string, from: string | RegExp, to: string): void;
  /** Appends text to a file of the clone. */
  append(file: string, text: string): void;
  /** Commits everything tracked that changed (and new files under the given paths). */
  commit(message: string, ...add: string[]): string;
  /** Puts the working tree back to its HEAD: tracked files as committed, untracked ones gone (but node_modules). */
  reset(): void;
  readonly cleanup: () => void;
}

export function cloneRepository(): Clone {
  const t = makeTempDir("all2all-diff-repo-");
  const dir = path.join(t.dir, "repo");
  const git = (...args: string[]): string =>
    execFileSync("git", args, {
      cwd: fs.existsSync(dir) ? dir : t.dir,
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "test",
        GIT_AUTHOR_EMAIL: "test@example.org",
        GIT_COMMITTER_NAME: "test",
        GIT_COMMITTER_EMAIL: "test@example.org",
        GIT_TERMINAL_PROMPT: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
  git("clone", "--quiet", "--depth", "1", `file://${repoRoot}`, dir);
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  // The build products (ignored by git, so reset and clean leave them): the working tree's current build, which diff
  // runs.
  const built =
    fs.existsSync(path.join(repoRoot, ".gen", ".stamp")) && fs.existsSync(path.join(repoRoot, "dist", ".tsbuildinfo"));
  if (built)
    for (const d of [".gen", "dist"])
      fs.cpSync(path.join(repoRoot, d), path.join(dir, d), { recursive: true, preserveTimestamps: true });
  return {
    dir,
    built,
    git,
    edit(file, from, to) {
      const full = path.join(dir, file);
      const text = fs.readFileSync(full, "utf8");
      const next = text.replace(from, to);
      if (next === text) throw new Error(`${file}: ${String(from)} not found`);
      fs.writeFileSync(full, next);
    },
    append(file, text) {
      fs.appendFileSync(path.join(dir, file), text);
    },
    commit(message, ...add) {
      if (add.length > 0) git("add", "--", ...add);
      git("commit", "--quiet", "--all", "--message", message);
      return git("rev-parse", "HEAD").trim();
    },
    reset() {
      git("reset", "--quiet", "--hard");
      git("clean", "--quiet", "-fd", "-e", "node_modules");
    },
    cleanup: t.cleanup,
  };
}

/**
 * One clone for the tests of a file or describe block: made before they
 * run (beforeAll), removed after them (afterAll). Call it where the tests
 * are declared; what it returns stands for the clone while they run.
 */
export function cloneForTests(): Clone {
  let made: Clone | undefined;
  beforeAll(() => {
    made = cloneRepository();
  });
  afterAll(() => made?.cleanup());
  const repo = (): Clone => {
    if (made === undefined) throw new Error("the clone is made when the tests start (beforeAll)");
    return made;
  };
  return {
    get dir() {
      return repo().dir;
    },
    get built() {
      return repo().built;
    },
    git: (...args) => repo().git(...args),
    edit: (file, from, to) => repo().edit(file, from, to),
    append: (file, text) => repo().append(file, text),
    commit: (message, ...add) => repo().commit(message, ...add),
    reset: () => repo().reset(),
    cleanup: () => repo().cleanup(),
  };
}

/** What `all2all diff` did: its exit code, the lines it wrote, and its standard output as one text. */
export interface DiffRun {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly text: string;
}

/** Runs `all2all diff` in a clone as cli/main.ts does, with `env` as its environment. */
export async function diffIn(repo: Clone, options: DiffOptions, env: Record<string, string> = {}): Promise<DiffRun> {
  const io = captureIo(env, repo.dir);
  const { code } = await exitCodeOf(() => runDiff(options, io, repo.dir), io);
  return { code, stdout: io.stdout, stderr: io.stderr, text: io.stdout.join("\n") };
}

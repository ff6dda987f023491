/**
 * Runs the commands of a runbook (docs/*.md) the way an operator would, in
 * a sandbox copy of the project, with the fake tofu standing in for
 * OpenTofu and Hetzner. Every line of every ```sh block must be one of:
 *
 *   read -rs NAME && export NAME       sets NAME (a fake value) for what follows
 *   npx all2all <command> … [> FILE]   run through the command line's main() (standard output to FILE)
 *   npm run <script> [-- args]         the package.json script, run in the sandbox when it is
 *                                      `./bin/all2all.js …` or the schema refresh; `npm ci`,
 *                                      `npm test`, `npm run get|build` must be what CI runs
 *   (cd <stack dir> && tofu …)         run by /bin/sh with the fake tofu on PATH
 *   git diff …                         read-only, not run
 *
 * Blocks whose first line starts with `# not run by this project` are
 * skipped (commands on servers, the hcloud CLI, dig). A ```yaml block whose
 * first line is `# config/<file>` is appended to that file of the sandbox
 * when it is reached.
 *
 * The confirmation of `deploy` is answered with the environment's name by
 * the test file (jest.mock of cli/deploy/confirm).
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { captureIo } from "../cli/io";
import { main } from "../cli/main";
import { FAKE_LOCK, fakeEnv, installFakeTofu, makeSandboxProject, type FakeTofu } from "./deploy";
import { group } from "./checked";
import { makeTempDir, readJson, repoRoot } from "./tmp";

export const NOT_RUN_MARKER = "# not run by this project";

export type RunbookStep = { kind: "sh"; line: string } | { kind: "yaml"; file: string; text: string };

/** How long a runbook may take in a test's beforeAll (synths and many fake tofu calls; not a timed assertion). */
export const RUNBOOK_TIMEOUT_MS = 300_000;

/** A fenced block of a runbook: its language and its lines, without the fence's indentation. */
export interface RunbookBlock {
  readonly lang: string;
  readonly lines: string[];
}

/** The fenced blocks of a runbook, in order. */
export function runbookBlocks(markdown: string): RunbookBlock[] {
  const blocks: RunbookBlock[] = [];
  // Fences may be indented (inside a list item): the block's lines carry the same indentation.
  const fence = /^( *)```(\w*)\n([\s\S]*?)^\1```$/gm;
  for (const m of markdown.matchAll(fence)) {
    // The three groups always take part in a match (each may be empty).
    const [, indent = "", lang = "", body = ""] = m;
    const lines = body
      .replace(/\n$/, "")
      .split("\n")
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l));
    blocks.push({ lang, lines });
  }
  return blocks;
}

/**
 * The sh blocks a drill runs, each as the text of the block: every block
 * but those marked `# not run by this project` and those marked `skip`
 * (docs/disaster-recovery.md: `# real disaster only`).
 */
export function shBlocks(markdown: string, skip: readonly string[] = []): string[] {
  return runbookBlocks(markdown)
    .filter((b) => b.lang === "sh")
    .filter((b) => ![NOT_RUN_MARKER, ...skip].some((marker) => (b.lines[0] ?? "").trim().startsWith(marker)))
    .map((b) => `${b.lines.join("\n")}\n`);
}

/** The steps of a runbook, in order. */
export function runbookSteps(markdown: string): RunbookStep[] {
  const steps: RunbookStep[] = [];
  for (const { lang, lines } of runbookBlocks(markdown)) {
    const first = (lines[0] ?? "").trim();
    if (lang === "yaml") {
      const target = /^# (config\/\S+\.yaml)$/.exec(first);
      if (target) steps.push({ kind: "yaml", file: group(target, 1), text: `${lines.slice(1).join("\n")}\n` });
      continue;
    }
    if (lang !== "sh") continue;
    if (first.startsWith(NOT_RUN_MARKER)) continue;
    let pending = "";
    for (const raw of lines) {
      const line = raw.trim();
      if (pending === "" && (line === "" || line.startsWith("#"))) continue;
      if (line.endsWith("\\")) {
        pending += `${line.slice(0, -1)} `;
        continue;
      }
      steps.push({ kind: "sh", line: (pending + line).trim() });
      pending = "";
    }
  }
  return steps;
}

export interface ExecutedLine {
  readonly line: string;
  /** How it was exercised. */
  readonly how: "variable" | "all2all" | "npm script" | "ci" | "tofu" | "read-only" | "yaml";
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
}

export interface RunbookRun {
  readonly sandbox: string;
  readonly fake: FakeTofu;
  readonly executed: ExecutedLine[];
  /** The variables the runbook's `read -rs` lines set. */
  readonly variables: string[];
  readonly cleanup: () => void;
}

function words(text: string): string[] {
  if (/["'$`|;&<>*?]/.test(text)) throw new Error(`runbook line has shell syntax the test does not model: ${text}`);
  return text.split(/\s+/).filter(Boolean);
}

function fakeValue(name: string): string {
  return `fake-${name.toLowerCase()}`;
}

/**
 * Runs every step of `docs/<file>`; `inherit` runs the `read -rs` lines of
 * other runbooks first (a runbook that says "with the secrets of
 * first-deploy.md").
 */
export async function runRunbook(
  file: string,
  options: { inherit?: string[]; env?: Record<string, string> } = {},
): Promise<RunbookRun> {
  const t = makeTempDir(`all2all-runbook-${path.basename(file, ".md")}-`);
  const sandbox = makeSandboxProject(t.dir);
  // A runbook that does not lock the provider itself relies on the lock file committed by the first deploy.
  if (!fs.readFileSync(path.join(repoRoot, "docs", file), "utf8").includes("npm run providers:lock")) {
    fs.writeFileSync(path.join(sandbox, "providers", "hcloud", ".terraform.lock.hcl"), FAKE_LOCK);
  }
  const fake = installFakeTofu(t.dir);
  const pkg = readJson<{ scripts: Record<string, string> }>(path.join(repoRoot, "package.json"));
  const ci = fs.readFileSync(path.join(repoRoot, ".ci", "run"), "utf8");
  const vars: Record<string, string> = {};
  const executed: ExecutedLine[] = [];

  const env = (): Record<string, string | undefined> => ({
    ...fakeEnv(fake, { HCLOUD_TOKEN: undefined, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }),
    FAKE_TOFU_HCLOUD_VERSION: fs.readFileSync(path.join(sandbox, "providers", "hcloud", "VERSION"), "utf8").trim(),
    FAKE_TOFU_SCHEMA: path.join(repoRoot, "providers", "hcloud", "schema.json"),
    ...options.env,
    ...vars,
  });
  const all2all = async (argv: string[], line: string, how: ExecutedLine["how"]): Promise<ExecutedLine> => {
    const io = captureIo(env(), sandbox);
    const code = await main(argv, io, sandbox);
    const run: ExecutedLine = { line, how, code, stdout: io.stdout, stderr: io.stderr };
    executed.push(run);
    return run;
  };

  for (const inherited of options.inherit ?? []) {
    for (const step of runbookSteps(fs.readFileSync(path.join(repoRoot, "docs", inherited), "utf8"))) {
      const m = step.kind === "sh" ? /^read -rs (\w+) && export \1$/.exec(step.line) : null;
      if (m) vars[group(m, 1)] = fakeValue(group(m, 1));
    }
  }

  for (const step of runbookSteps(fs.readFileSync(path.join(repoRoot, "docs", file), "utf8"))) {
    if (step.kind === "yaml") {
      fs.mkdirSync(path.dirname(path.join(sandbox, step.file)), { recursive: true });
      fs.appendFileSync(path.join(sandbox, step.file), `\n${step.text}`);
      executed.push({ line: `(yaml appended to ${step.file})`, how: "yaml", code: 0, stdout: [], stderr: [] });
      continue;
    }
    const line = step.line;
    let m: RegExpExecArray | null;
    // biome-ignore lint/suspicious/noAssignInExpressions: a chain of patterns, each match kept for its branch
    if ((m = /^read -rs (\w+) && export \1$/.exec(line))) {
      vars[group(m, 1)] = fakeValue(group(m, 1));
      executed.push({ line, how: "variable", code: 0, stdout: [], stderr: [] });
      // biome-ignore lint/suspicious/noAssignInExpressions: a chain of patterns, each match kept for its branch
    } else if ((m = /^npx all2all ([^>]+?) > ([\w.-]+)$/.exec(line))) {
      // Standard output saved to a file of the sandbox, as the shell would.
      const run = await all2all(words(group(m, 1)), line, "all2all");
      fs.writeFileSync(path.join(sandbox, group(m, 2)), run.stdout.map((l) => `${l}\n`).join(""));
      // biome-ignore lint/suspicious/noAssignInExpressions: a chain of patterns, each match kept for its branch
    } else if ((m = /^npx all2all (.+)$/.exec(line))) {
      await all2all(words(group(m, 1)), line, "all2all");
    } else if (line === "npm ci" || line === "npm test") {
      executed.push({
        line,
        how: "ci",
        code: ci.split("\n").some((l) => l.includes(line)) ? 0 : 1,
        stdout: [],
        stderr: [],
      });
      // biome-ignore lint/suspicious/noAssignInExpressions: a chain of patterns, each match kept for its branch
    } else if ((m = /^npm run ([\w:-]+)(?: -- (.+))?$/.exec(line))) {
      const name = group(m, 1);
      const script = pkg.scripts[name];
      const extra = m[2] ? words(m[2]) : [];
      const viaCli = script === undefined ? null : /^npm run build --silent && \.\/bin\/all2all\.js(.*)$/.exec(script);
      if (script === undefined) {
        executed.push({
          line,
          how: "npm script",
          code: 1,
          stdout: [],
          stderr: [`package.json has no script "${name}"`],
        });
      } else if (viaCli) {
        await all2all([...words(group(viaCli, 1)), ...extra], line, "npm script");
      } else if (script === "node providers/refresh.js" || script === "node providers/lock.js") {
        const r = spawnSync(process.execPath, [path.join(sandbox, script.slice("node ".length)), ...extra], {
          cwd: sandbox,
          env: env() as NodeJS.ProcessEnv,
          encoding: "utf8",
        });
        executed.push(spawnedLine(line, "npm script", r));
      } else if (["get", "build"].includes(name)) {
        // Run by every build, hence by CI's `npm run synth` and `npm test`.
        executed.push({ line, how: "ci", code: 0, stdout: [], stderr: [] });
      } else {
        executed.push(
          unknownLine(line, "npm script", `the runbook test does not know how to run script ${name}: ${script}`),
        );
      }
    } else if (/^\(cd cdktf\.out\/stacks\/[\w-]+ && tofu [^()]+\)$/.test(line)) {
      const r = spawnSync("/bin/sh", ["-c", line], { cwd: sandbox, env: env() as NodeJS.ProcessEnv, encoding: "utf8" });
      executed.push(spawnedLine(line, "tofu", r));
    } else if (/^git (diff|log|show)\b[^>;&]*$/.test(line)) {
      executed.push({ line, how: "read-only", code: 0, stdout: [], stderr: [] });
    } else {
      executed.push(unknownLine(line, "read-only", `not a command the runbook test knows how to exercise: ${line}`));
    }
  }
  return { sandbox, fake, executed, variables: Object.keys(vars), cleanup: t.cleanup };
}

/**
 * Runs the runbook once for the test file that calls this: in beforeAll (with
 * RUNBOOK_TIMEOUT_MS), its sandbox removed in afterAll. The run is filled in
 * when beforeAll is done, for the tests to read.
 */
export function runbookOnce(file: string, options: Parameters<typeof runRunbook>[1] = {}): RunbookRun {
  const run = {} as RunbookRun;
  beforeAll(async () => {
    Object.assign(run, await runRunbook(file, options));
  }, RUNBOOK_TIMEOUT_MS);
  afterAll(() => run.cleanup?.());
  return run;
}

/** A line run as a child process: its exit code (1 when killed) and its output, line by line. */
function spawnedLine(line: string, how: ExecutedLine["how"], r: SpawnSyncReturns<string>): ExecutedLine {
  return { line, how, code: r.status ?? 1, stdout: r.stdout.split("\n"), stderr: r.stderr.split("\n") };
}

/** A line the runbook test cannot run: it fails, saying why. */
function unknownLine(line: string, how: ExecutedLine["how"], why: string): ExecutedLine {
  return { line, how, code: 1, stdout: [], stderr: [why] };
}

/** Lines that did not succeed, with what they printed: [] when the runbook ran through. */
export function failures(run: RunbookRun): { line: string; code: number; output: string[] }[] {
  return run.executed
    .filter((e) => e.code !== 0)
    .map((e) => ({ line: e.line, code: e.code, output: [...e.stdout.slice(-5), ...e.stderr.slice(-10)] }));
}

// The CI workflows of infrastructure pull requests (.github/workflows/infra.yml,
// .forgejo/workflows/infra.yml; docs/review.md, "CI for infrastructure pull
// requests") call only commands and flags that exist: every `npx all2all …`
// of a `run:` step is checked against the real command line's --help (read
// at test time, so a flag that is gone fails here), and run in a sandbox
// copy of the project where it can be (check, synth, plan, plan-summary, drift and
// deploy, with the fake tofu; diff is only checked, it synthesises a git
// ref); every `npm run X` names a script of package.json. The two files run
// the same commands, and the approvals, digests and artefacts they rely on
// are where the header comments say.
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { stacksDigest } from "../../cli/digest";
import { captureIo } from "../../cli/io";
import { main } from "../../cli/main";
import {
  FAKE_LOCK,
  callLines,
  fakeEnv,
  fakeVariables,
  installFakeTofu,
  makeSandboxProject,
} from "../../testing/deploy";
import { RUNBOOK_TIMEOUT_MS } from "../../testing/runbooks";
import { makeTempDir, readJson, repoRoot } from "../../testing/tmp";

// deploy runs with --auto-approve; nothing may wait for a terminal.
jest.mock("../../cli/deploy/confirm", () => ({
  stdinIsTerminal: () => false,
  stdinConfirm: () => async () => undefined,
}));

jest.setTimeout(RUNBOOK_TIMEOUT_MS);

const WORKFLOWS = [".github/workflows/infra.yml", ".forgejo/workflows/infra.yml"] as const;

/** The install command of the README's Quick start, which every job runs first. */
const INSTALL = "npm ci && npm run synth";

/** Commands that are checked against their --help but not run here (diff synthesises a git ref with its own code). */
const NOT_RUN = new Set(["diff"]);

// ---------------------------------------------------------------------------
// Reading the workflows

interface Step {
  readonly file: string;
  readonly job: string;
  readonly name: string;
  readonly run: string;
  /** Variables the step's environment defines (workflow, job and step `env:`). */
  readonly env: ReadonlySet<string>;
}

type Part = { readonly text: string; readonly quoted: boolean } | { readonly variable: string };
interface Word {
  readonly parts: readonly Part[];
}

interface Invocation {
  readonly step: Step;
  /** The logical line it is on, for messages. */
  readonly line: string;
  readonly words: readonly Word[];
  /** What follows it on the line (`|| [ $? -eq 3 ]`, `)`, …). */
  readonly after: string;
}

function loadWorkflow(file: string): any {
  return YAML.parse(fs.readFileSync(path.join(repoRoot, file), "utf8"));
}

function steps(file: string): Step[] {
  const doc = loadWorkflow(file);
  const out: Step[] = [];
  for (const [job, def] of Object.entries<any>(doc.jobs ?? {})) {
    for (const [i, step] of (def.steps ?? []).entries()) {
      if (typeof step.run !== "string") continue;
      const env = new Set([
        ...Object.keys(doc.env ?? {}),
        ...Object.keys(def.env ?? {}),
        ...Object.keys(step.env ?? {}),
      ]);
      out.push({ file, job, name: step.name ?? `step ${i + 1}`, run: step.run, env });
    }
  }
  return out;
}

/** The logical lines of a script: continuations joined, comments and heredoc bodies left out. */
function logicalLines(script: string): string[] {
  const lines: string[] = [];
  let pending = "";
  let heredoc: string | undefined;
  for (const raw of script.split("\n")) {
    if (heredoc !== undefined) {
      if (raw.trim() === heredoc) heredoc = undefined;
      continue;
    }
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = "";
    lines.push(full);
    const m = /<<-?\s*(['"]?)([A-Za-z_]\w*)\1/.exec(full.replace(/<<</g, ""));
    if (m) heredoc = m[2];
  }
  return lines;
}

/** The shell words of `text` up to the first operator: quotes, `$NAME` and `${NAME}`; anything else is refused. */
function shellWords(text: string, context: string): { words: Word[]; rest: string } {
  const words: Word[] = [];
  let parts: Part[] | undefined;
  const push = (part: Part): void => {
    parts ??= [];
    parts.push(part);
  };
  const endWord = (): void => {
    if (parts) words.push({ parts });
    parts = undefined;
  };
  const unsupported = (at: number): never => {
    throw new Error(`${context}: shell syntax the workflow test does not model at ${JSON.stringify(text.slice(at))}`);
  };
  let i = 0;
  const variable = (): void => {
    const m = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/.exec(text.slice(i));
    if (!m) unsupported(i);
    push({ variable: (m![1] ?? m![2])! });
    i += m![0].length;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t") {
      endWord();
      i += 1;
    } else if ("|&;<>()".includes(c) || (c === "#" && parts === undefined)) {
      break;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) unsupported(i);
      push({ text: text.slice(i + 1, end), quoted: true });
      i = end + 1;
    } else if (c === '"') {
      i += 1;
      let literal = "";
      push({ text: "", quoted: true });
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\" && '"\\$`'.includes(text[i + 1] ?? "")) {
          literal += text[i + 1];
          i += 2;
        } else if (text[i] === "$") {
          push({ text: literal, quoted: true });
          literal = "";
          variable();
        } else if (text[i] === "`") {
          unsupported(i);
        } else {
          literal += text[i];
          i += 1;
        }
      }
      if (text[i] !== '"') unsupported(i);
      push({ text: literal, quoted: true });
      i += 1;
    } else if (c === "$") {
      variable();
    } else if (c === "\\") {
      push({ text: text[i + 1] ?? "", quoted: true });
      i += 2;
    } else if (c === "`") {
      unsupported(i);
    } else {
      let end = i;
      while (end < text.length && !/[\s'"$\\|&;<>()`]/.test(text[end]!)) end += 1;
      push({ text: text.slice(i, end), quoted: false });
      i = end;
    }
  }
  endWord();
  return { words, rest: text.slice(i) };
}

function variablesOf(words: readonly Word[]): string[] {
  return words.flatMap((w) => w.parts.flatMap((p) => ("variable" in p ? [p.variable] : [])));
}

/** How a word reads in messages: `"$ALL2ALL_ENV"` stays as written. */
function shown(word: Word): string {
  return word.parts.map((p) => ("variable" in p ? `$${p.variable}` : p.text)).join("");
}

/** Every `npx all2all …` of the workflow's run steps, in order. */
function all2allInvocations(file: string): Invocation[] {
  const found: Invocation[] = [];
  for (const step of steps(file)) {
    for (const line of logicalLines(step.run)) {
      for (const m of line.matchAll(/\bnpx\s+all2all\b/g)) {
        const { words, rest } = shellWords(
          line.slice(m.index! + m[0].length),
          `${file}, job ${step.job}, step "${step.name}"`,
        );
        found.push({ step, line, words, after: rest });
      }
    }
  }
  return found;
}

/** Every `npm …` of the workflow's run steps: [step, the words after npm]. */
function npmCalls(file: string): { step: Step; line: string; args: string[] }[] {
  const found: { step: Step; line: string; args: string[] }[] = [];
  for (const step of steps(file)) {
    for (const line of logicalLines(step.run)) {
      for (const m of line.matchAll(/\bnpm\s+([^|&;)]*)/g)) found.push({ step, line, args: m[1]!.trim().split(/\s+/) });
    }
  }
  return found;
}

// ---------------------------------------------------------------------------
// The real command line's help

async function cli(argv: string[], env: Record<string, string | undefined> = {}, cwd = repoRoot, root = repoRoot) {
  const io = captureIo(env, cwd);
  const code = await main(argv, io, root);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

interface CommandHelp {
  /** Each option, and whether it takes a value. */
  readonly options: ReadonlyMap<string, { readonly value: boolean }>;
  readonly positional: boolean;
  /** Options the command cannot run without. */
  readonly required: readonly string[];
}

async function commandNames(): Promise<string[]> {
  const r = await cli(["--help"]);
  expect(r.code).toBe(0);
  const text = r.stdout.join("\n");
  const section = text.split(/^Commands:$/m)[1] ?? "";
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((n) => n !== "help");
}

const helps = new Map<string, CommandHelp>();

async function commandHelp(command: string): Promise<CommandHelp> {
  const cached = helps.get(command);
  if (cached) return cached;
  const r = await cli([command, "--help"]);
  expect(r.code).toBe(0);
  const text = r.stdout.join("\n");
  const options = new Map<string, { value: boolean }>();
  const required: string[] = [];
  const section = text.split(/^Options:$/m)[1] ?? "";
  for (const m of section.matchAll(/^ {2}(?:-\w, )?(--[a-z][\w-]*)(?: (<[^>]+>|\[[^\]]+\]))?(.*)$/gm)) {
    options.set(m[1]!, { value: m[2] !== undefined });
    if (/\(required\)/.test(m[3]!)) required.push(m[1]!);
  }
  if (NOT_RUN.has(command)) {
    // commander's required options: refused before the command does anything.
    const bare = await cli([command]);
    for (const m of bare.stderr.join("\n").matchAll(/required option '(--[a-z][\w-]*)/g)) required.push(m[1]!);
  }
  const help: CommandHelp = { options, positional: /^Arguments:$/m.test(text), required };
  helps.set(command, help);
  return help;
}

/** The problems of one invocation against the help of its command; [] when it names a command and flags that exist. */
async function problemsOf(inv: Invocation, commands: readonly string[]): Promise<string[]> {
  const where = `${inv.step.file}, job ${inv.step.job}: npx all2all ${inv.words.map(shown).join(" ")}`;
  const [first, ...args] = inv.words.map(shown);
  if (first === undefined || !commands.includes(first))
    return [`${where}: ${JSON.stringify(first)} is not a command of all2all (${commands.join(", ")})`];
  const help = await commandHelp(first);
  const problems: string[] = [];
  const given = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith("--")) {
      const [flag, inline] = arg.split(/=(.*)/s) as [string, string | undefined];
      const option = help.options.get(flag);
      if (!option) {
        problems.push(
          `${where}: all2all ${first} has no option ${flag} (it has ${[...help.options.keys()].join(", ")})`,
        );
        continue;
      }
      given.add(flag);
      if (option.value && inline === undefined) {
        if (args[i + 1] === undefined || args[i + 1]!.startsWith("--"))
          problems.push(`${where}: ${flag} needs a value`);
        i += 1;
      } else if (!option.value && inline !== undefined) {
        problems.push(`${where}: ${flag} takes no value`);
      }
    } else if (!help.positional) {
      problems.push(`${where}: all2all ${first} takes no argument ${JSON.stringify(arg)}`);
    }
  }
  for (const flag of help.required) if (!given.has(flag)) problems.push(`${where}: all2all ${first} needs ${flag}`);
  for (const variable of variablesOf(inv.words)) {
    if (!inv.step.env.has(variable))
      problems.push(`${where}: $${variable} is not set by the step's, job's or workflow's env`);
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Running them in a sandbox

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Relative paths of the files below `dir` (a few levels: the sandbox is small). */
function filesBelow(dir: string, depth = 5, prefix = ""): string[] {
  if (depth === 0) return [];
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? [rel, ...filesBelow(dir, depth - 1, rel)] : [rel];
  });
}

/** The words as the shell gives them to the command: variables from `values`, unquoted `*` expanded in `cwd`. */
function expand(words: readonly Word[], values: (name: string) => string, cwd: string): string[] {
  return words.flatMap((word) => {
    let plain = "";
    let pattern = "";
    let glob = false;
    for (const part of word.parts) {
      const text = "variable" in part ? values(part.variable) : part.text;
      plain += text;
      if ("variable" in part || part.quoted || !text.includes("*")) {
        pattern += escapeRegExp(text);
      } else {
        glob = true;
        pattern += text.split("*").map(escapeRegExp).join("[^/]*");
      }
    }
    if (!glob) return [plain];
    const re = new RegExp(`^${pattern}$`);
    const matches = filesBelow(cwd)
      .filter((f) => re.test(f))
      .sort();
    return matches.length > 0 ? matches : [plain];
  });
}

interface Ran {
  readonly invocation: Invocation;
  readonly environment?: string;
  readonly argv: string[];
  readonly code: number;
  readonly accepted: readonly number[];
  readonly stdout: string[];
  readonly stderr: string[];
}

const ENVIRONMENTS = fs
  .readdirSync(path.join(repoRoot, "config", "environments"))
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.replace(/\.yaml$/, ""))
  .sort();

/** The digest of one environment's synthesised stacks, as plan and deploy compute it. */
function digestOf(outDir: string, environment: string): string {
  const stacks = fs
    .readdirSync(path.join(outDir, "stacks"))
    .filter((name) => new RegExp(`^${escapeRegExp(environment)}-[a-z]+$`).test(name))
    .map((name) => [name, readJson(path.join(outDir, "stacks", name, "cdk.tf.json"))] as const);
  return stacksDigest(stacks);
}

/**
 * Runs every invocation of `file` that can run here, in the order of the
 * file, in a fresh sandbox: once, or once per environment when it uses
 * $ALL2ALL_ENV. The variables the workflows set are given what CI gives them.
 */
async function runWorkflow(file: string): Promise<{
  ran: Ran[];
  sandbox: string;
  cleanup: () => void;
  wrongDigest: Awaited<ReturnType<typeof cli>>;
  calls: string[];
}> {
  const t = makeTempDir("all2all-workflow-");
  const sandbox = makeSandboxProject(t.dir);
  // The lock file the workflows require to be committed (they never pass --allow-missing-lock).
  fs.writeFileSync(path.join(sandbox, "providers", "hcloud", ".terraform.lock.hcl"), FAKE_LOCK);
  // The replacement table plan-summary classifies with (a checkout has it).
  fs.copyFileSync(
    path.join(repoRoot, "providers", "hcloud", "replace.json"),
    path.join(sandbox, "providers", "hcloud", "replace.json"),
  );
  const fake = installFakeTofu(t.dir);
  const out = path.join(sandbox, "cdktf.out");
  const env = (): Record<string, string | undefined> =>
    fakeEnv(fake, fs.existsSync(path.join(out, "stacks")) ? fakeVariables(out) : {});
  const ran: Ran[] = [];
  for (const invocation of all2allInvocations(file)) {
    const command = shown(invocation.words[0]!);
    if (NOT_RUN.has(command)) continue;
    const perEnvironment = variablesOf(invocation.words).includes("ALL2ALL_ENV");
    for (const environment of perEnvironment ? ENVIRONMENTS : [undefined]) {
      const values = (name: string): string => {
        if (name === "ALL2ALL_ENV" && environment !== undefined) return environment;
        if (name === "EXPECT_DIGEST" && environment !== undefined) return digestOf(out, environment);
        throw new Error(`${file}: the workflow test does not know what $${name} holds in ${invocation.line}`);
      };
      const argv = expand(invocation.words, values, sandbox);
      const r = await cli(argv, env(), sandbox, sandbox);
      // `… || [ $? -eq 3 ]`: the step accepts a dangerous finding too.
      const accepted = /^\s*\|\|\s*\[\s*\$\?\s+-eq\s+3\s*\]/.test(invocation.after) ? [0, 3] : [0];
      ran.push({ invocation, environment, argv, ...r, accepted });
    }
  }
  // What --expect-digest is for: a digest other than the synthesised one is refused before anything runs.
  const before = callLines(fake).length;
  const wrongDigest = await cli(
    ["plan", "--env", "production", "--expect-digest", `sha256:${"0".repeat(64)}`],
    env(),
    sandbox,
    sandbox,
  );
  const calls = callLines(fake).slice(before);
  return { ran, sandbox, cleanup: t.cleanup, wrongDigest, calls };
}

// ---------------------------------------------------------------------------

describe.each(WORKFLOWS)("%s", (file) => {
  const doc = loadWorkflow(file);

  test("parses, with the jobs the header describes", () => {
    expect(Object.keys(doc.jobs)).toEqual(["review", "targets", "plan", "deploy", "drift"]);
    expect(Object.keys(doc.on).sort()).toEqual(["pull_request", "push", "schedule", "workflow_dispatch"]);
    expect(doc.on.push.branches).toEqual(["main"]);
    expect(doc.on.pull_request.branches).toEqual(["main"]);
  });

  test("every npx all2all names a command and flags that exist (read from --help now)", async () => {
    const commands = await commandNames();
    const invocations = all2allInvocations(file);
    expect(invocations.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const inv of invocations) problems.push(...(await problemsOf(inv, commands)));
    expect(problems).toEqual([]);
  });

  test("every npm call is the README's install or a script of package.json; no other npx", () => {
    const scripts = readJson<{ scripts: Record<string, string> }>(path.join(repoRoot, "package.json")).scripts;
    const problems: string[] = [];
    for (const { step, line, args } of npmCalls(file)) {
      const where = `${file}, job ${step.job}: ${line}`;
      if (args[0] === "ci") {
        if (line !== INSTALL) problems.push(`${where}: npm ci only as the README installs: ${INSTALL}`);
      } else if (args[0] === "run") {
        const name = args.slice(1).find((a) => !a.startsWith("-"));
        if (name === undefined || scripts[name] === undefined)
          problems.push(`${where}: package.json has no script ${JSON.stringify(name)}`);
      } else {
        problems.push(`${where}: npm ${args[0]} is neither npm ci nor npm run`);
      }
    }
    for (const s of steps(file)) {
      for (const m of s.run.matchAll(/\bnpx\s+(\S+)/g))
        if (m[1] !== "all2all") problems.push(`${file}, job ${s.job}: npx ${m[1]}`);
    }
    expect(problems).toEqual([]);
    // The README's install command, word for word.
    expect(fs.readFileSync(path.join(repoRoot, "README.md"), "utf8").split("\n")).toContain(INSTALL);
  });

  test("npm scripts that run all2all are checked like npx all2all", async () => {
    const scripts = readJson<{ scripts: Record<string, string> }>(path.join(repoRoot, "package.json")).scripts;
    const commands = await commandNames();
    const problems: string[] = [];
    for (const { step, args } of npmCalls(file)) {
      const name = args[0] === "run" ? args.slice(1).find((a) => !a.startsWith("-")) : undefined;
      const m = name ? /^npm run build --silent && node bin\/all2all\.js (.*)$/.exec(scripts[name] ?? "") : null;
      if (!m) continue;
      const { words } = shellWords(m[1]!, `package.json script ${name}`);
      problems.push(...(await problemsOf({ step, line: `npm run ${name}`, words, after: "" }, commands)));
    }
    expect(problems).toEqual([]);
  });

  test("each job that runs all2all installs first, exactly as the README says", () => {
    for (const [job, def] of Object.entries<any>(doc.jobs)) {
      const runs: string[] = (def.steps ?? [])
        .filter((s: any) => typeof s.run === "string")
        .map((s: any) => s.run.trim());
      const first = runs.findIndex((r) => /\bnpx all2all\b/.test(r));
      if (first < 0) continue;
      expect({ job, install: runs.slice(0, first).includes(INSTALL) }).toEqual({ job, install: true });
    }
  });

  test("expressions reach scripts through env only (no ${{ }} inside a run:)", () => {
    expect(
      steps(file)
        .filter((s) => s.run.includes("${{"))
        .map((s) => `${s.job}: ${s.name}`),
    ).toEqual([]);
  });

  test(
    "the pull request: check, synth, diff in md and json against the " + "PR's base; the diff's exit code is the gate",
    () => {
      const review = all2allInvocations(file).filter((i) => i.step.job === "review");
      expect(review.map((i) => i.words.map(shown).join(" "))).toEqual([
        "check",
        "synth",
        "diff --base $BASE_REF --format md --out diff.md",
        "diff --base $BASE_REF --format json --out diff.json",
      ]);
      const diffStep = doc.jobs.review.steps.find((s: any) => s.id === "diff");
      expect(diffStep.env.BASE_REF).toMatch(/^origin\/\$\{\{ (github|forgejo)\.base_ref \}\}$/);
      const gate = doc.jobs.review.steps.at(-1);
      expect(gate.env.STATUS).toBe("${{ steps.diff.outputs.status }}");
      expect(gate.run).toMatch(/exit 3/);
      const upload = doc.jobs.review.steps.find(
        (s: any) => typeof s.uses === "string" && /upload-artifact/.test(s.uses),
      );
      expect(upload.with.path).toContain("diff.json");
    },
  );

  test(
    "plan and deploy: the CI's credentials, the reviewed digest, never " +
      "--allow-missing-lock; deploy only by approval",
    () => {
      const invocations = all2allInvocations(file);
      expect(invocations.some((i) => i.words.map(shown).includes("--allow-missing-lock"))).toBe(false);
      const deploys = invocations.filter((i) => shown(i.words[0]!) === "deploy");
      expect(deploys.map((i) => i.words.map(shown).join(" "))).toEqual([
        "deploy --env $ALL2ALL_ENV --auto-approve --expect-digest $EXPECT_DIGEST",
      ]);
      for (const inv of invocations.filter((i) => ["plan", "deploy", "drift"].includes(shown(i.words[0]!)))) {
        expect(
          [...inv.step.env]
            .filter((v) => /^(HCLOUD_TOKEN|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|TF_VARS)$/.test(v))
            .sort(),
        ).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "HCLOUD_TOKEN", "TF_VARS"]);
      }
      const deploy = doc.jobs.deploy;
      if (file.startsWith(".github/")) expect(deploy.environment).toBe("${{ matrix.environment }}");
      else expect(deploy.if).toMatch(/event_name == 'workflow_dispatch'/);
      // Only from main, whatever the branch a run by hand was started from.
      expect(doc.jobs.targets.if).toMatch(/ref == 'refs\/heads\/main'/);
      expect(doc.jobs.plan.needs).toBe("targets");
      expect(deploy.needs).toEqual(["targets", "plan"]);
      // dr only by hand: a choice of the run by hand, not planned on push.
      expect([...doc.on.workflow_dispatch.inputs.environment.options].sort()).toEqual(ENVIRONMENTS);
      const targets = doc.jobs.targets.steps.find((s: any) => s.id === "targets").run;
      expect(targets).toContain('["production", "staging"]');
    },
  );

  test(
    "the nightly drift: scheduled on main, production only (remote state), its report kept, " +
      "exit 5 fails the job; a scheduled run neither plans nor deploys",
    () => {
      const ctx = file.startsWith(".github/") ? "github" : "forgejo";
      expect(doc.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
      const drift = doc.jobs.drift;
      expect(drift.if).toBe(`${ctx}.event_name == 'schedule' && ${ctx}.ref == 'refs/heads/main'`);
      // targets (and so plan and deploy, which need it) run on push and by hand only.
      expect(doc.jobs.targets.if).toMatch(
        new RegExp(`^\\(${ctx}\\.event_name == 'push' \\|\\| ${ctx}\\.event_name == 'workflow_dispatch'\\) && `),
      );
      // Only environments whose state is in a bucket: the same rule as the targets job, applied to the drift matrix.
      const rows: { environment: string; suffix: string }[] = drift.strategy.matrix.include;
      expect(rows).toEqual([{ environment: "production", suffix: "PRODUCTION" }]);
      for (const { environment, suffix } of rows) {
        expect(suffix).toBe(environment.toUpperCase().replace(/-/g, "_"));
        expect(
          fs.readFileSync(path.join(repoRoot, "config", "environments", `${environment}.yaml`), "utf8"),
        ).not.toMatch(/\bbackend:\s*["']?local\b/);
      }
      const invocations = all2allInvocations(file).filter((i) => i.step.job === "drift");
      expect(invocations.map((i) => i.words.map(shown).join(" "))).toEqual([
        "check --env $ALL2ALL_ENV",
        "drift --env $ALL2ALL_ENV --report drift-$ALL2ALL_ENV.md",
      ]);
      const step = drift.steps.find((s: any) => s.id === "drift");
      for (const secret of ["HCLOUD_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "TF_VARS"])
        expect(step.env[secret]).toBe(`\${{ secrets[format('${secret}_{0}', matrix.suffix)] }}`);
      expect(step.run).toMatch(/\[ "\$status" -eq 0 \] \|\| \[ "\$status" -eq 5 \]/);
      const upload = drift.steps.find((s: any) => typeof s.uses === "string" && /upload-artifact/.test(s.uses));
      expect(upload.with.path).toBe("drift-${{ matrix.environment }}.md");
      expect(upload.if).toBe("${{ !cancelled() }}");
      const gate = drift.steps.at(-1);
      expect(gate.env.STATUS).toBe("${{ steps.drift.outputs.status }}");
      expect(gate.run).toMatch(/exit 5/);
      // The exit code the gate reads is the command's documented one.
      expect(fs.readFileSync(path.join(repoRoot, "docs", "drift.md"), "utf8")).toMatch(/\| 5 \| something drifted/);
    },
  );

  test("plan.json (secrets in clear) is uploaded only from a private repository, kept one day", () => {
    const uploads = doc.jobs.plan.steps.filter(
      (s: any) => typeof s.uses === "string" && /upload-artifact/.test(s.uses),
    );
    const raw = uploads.filter((s: any) => /plan\.json/.test(s.with.path));
    expect(raw).toHaveLength(1);
    expect(raw[0].if).toMatch(/event\.repository\.private/);
    expect(raw[0].with["retention-days"]).toBe(1);
    expect(uploads.filter((s: any) => !/plan\.json/.test(s.with.path)).map((s: any) => s.with.path)).toEqual([
      "plan-${{ matrix.environment }}.md",
    ]);
  });

  describe("run in a sandbox with the fake tofu", () => {
    let run: Awaited<ReturnType<typeof runWorkflow>>;
    beforeAll(async () => {
      run = await runWorkflow(file);
    });
    afterAll(() => run?.cleanup());

    test("check, synth, plan, plan-summary, deploy and drift succeed, for every environment", () => {
      const failed = run.ran
        .filter((r) => !r.accepted.includes(r.code))
        .map((r) => ({ argv: r.argv.join(" "), code: r.code, output: [...r.stdout.slice(-3), ...r.stderr.slice(-8)] }));
      expect(failed).toEqual([]);
      const commands = new Set(run.ran.map((r) => r.argv[0]));
      expect([...commands].sort()).toEqual(["check", "deploy", "drift", "plan", "plan-summary", "synth"]);
      for (const environment of ENVIRONMENTS) {
        expect(
          run.ran.some(
            (r) => r.environment === environment && r.argv[0] === "deploy" && r.argv.includes("--expect-digest"),
          ),
        ).toBe(true);
      }
    });

    test("a digest other than what was synthesised is refused before anything runs", () => {
      expect(run.wrongDigest.code).toBe(2);
      expect(run.wrongDigest.stderr.join("\n")).toContain(`sha256:${"0".repeat(64)}`);
      expect(run.calls).toEqual([]);
    });

    test("the local-state guards agree with all2all check, environment by environment", () => {
      const guard = /grep -q '([^']+)' <<< "\$summary"/.exec(fs.readFileSync(path.join(repoRoot, file), "utf8"));
      expect(guard).not.toBeNull();
      const targets = /if \(\/(.+)\/\.test\(overlay\)\)/.exec(
        doc.jobs.targets.steps.find((s: any) => s.id === "targets").run,
      );
      expect(targets).not.toBeNull();
      for (const environment of ENVIRONMENTS) {
        const check = run.ran.find((r) => r.argv.join(" ") === `check --env ${environment}`);
        expect(check).toBeDefined();
        const local = new RegExp(guard![1]!, "m").test(check!.stdout.join("\n"));
        const overlay = fs.readFileSync(path.join(repoRoot, "config", "environments", `${environment}.yaml`), "utf8");
        expect({ environment, targets: new RegExp(targets![1]!).test(overlay) }).toEqual({
          environment,
          targets: local,
        });
        const backend = readJson(path.join(run.sandbox, "cdktf.out", "stacks", `${environment}-network`, "cdk.tf.json"))
          .terraform.backend;
        expect({ environment, local }).toEqual({ environment, local: "local" in backend });
      }
    });
  });
});

test("both workflows run the same all2all commands, job by job", () => {
  const [github, forgejo] = WORKFLOWS.map((file) =>
    all2allInvocations(file).map((i) => `${i.step.job}: ${i.words.map(shown).join(" ")}`),
  );
  expect(forgejo).toEqual(github);
  const [githubNpm, forgejoNpm] = WORKFLOWS.map((file) =>
    npmCalls(file).map((c) => `${c.step.job}: npm ${c.args.join(" ")}`),
  );
  expect(forgejoNpm).toEqual(githubNpm);
});

test(
  "an unknown command, option or variable, a missing value or " + "required option, a stray argument: each is reported",
  async () => {
    const commands = await commandNames();
    const step: Step = { file: "x.yml", job: "j", name: "s", run: "", env: new Set(["ALL2ALL_ENV"]) };
    const problems = (text: string) =>
      problemsOf({ step, line: text, words: shellWords(text, "test").words, after: "" }, commands);
    expect(await problems('plan --env "$ALL2ALL_ENV" --expect-digets')).toEqual([
      expect.stringMatching(/all2all plan has no option --expect-digets \(it has .*--expect-digest/),
    ]);
    expect(await problems("plam --env production")).toEqual([
      expect.stringMatching(/"plam" is not a command of all2all/),
    ]);
    expect(await problems("diff --format md")).toEqual([expect.stringMatching(/all2all diff needs --base/)]);
    expect(await problems("plan --stack dns")).toEqual([expect.stringMatching(/all2all plan needs --env/)]);
    expect(await problems('deploy --env "$OTHER" --auto-approve')).toEqual([
      expect.stringMatching(/\$OTHER is not set by the step's, job's or workflow's env/),
    ]);
    expect(await problems("check production")).toEqual([
      expect.stringMatching(/all2all check takes no argument "production"/),
    ]);
    expect(await problems("synth --out")).toEqual([expect.stringMatching(/--out needs a value/)]);
    expect(await problems("deploy --env production --auto-approve=yes")).toEqual([
      expect.stringMatching(/--auto-approve takes no value/),
    ]);
    expect(await problems('plan-summary a.json b.json --format md --out "plan-$ALL2ALL_ENV.md"')).toEqual([]);
  },
);

test("the shell words of a line, as the workflow test reads them", () => {
  const { words, rest } = shellWords(
    `plan-summary cdktf.out/stacks/"$ALL2ALL_ENV"-*/plan.json --out 'a b' x\\ y || [ $? -eq 3 ]`,
    "test",
  );
  expect(words.map(shown)).toEqual([
    "plan-summary",
    "cdktf.out/stacks/$ALL2ALL_ENV-*/plan.json",
    "--out",
    "a b",
    "x y",
  ]);
  expect(rest).toBe("|| [ $? -eq 3 ]");
  expect(() => shellWords("plan --env $(cat env)", "test")).toThrow(/does not model/);
  expect(logicalLines("a \\\n  b\n# c\nnode - <<'EOF'\nnpx all2all nope\nEOF\nd")).toEqual([
    "a  b",
    "node - <<'EOF'",
    "d",
  ]);
});

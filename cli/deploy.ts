/**
 * `all2all plan --env NAME [--stack S]` and `all2all deploy --env NAME [--stack S] [--auto-approve]`:
 * run OpenTofu (else Terraform) on the synthesised stacks of one
 * environment, in dependency order (cdktf.out/manifest.json). For each
 * stack, in its working directory cdktf.out/stacks/<stack>:
 *
 *   <bin> init -input=false
 *   <bin> plan -input=false -out=plan.tfplan
 *   <bin> show -json plan.tfplan            > plan.json, summarised here
 *   <bin> apply -input=false plan.tfplan    deploy only, after confirmation:
 *                                           exactly the plan just summarised
 *   <bin> apply -input=false -refresh=false -auto-approve
 *                                           deploy, an empty plan, during a key
 *                                           rotation or with --reencrypt: the
 *                                           state written again with the new key
 *
 * `plan` stops after the summaries. `deploy` asks, for each stack with
 * changes, that the environment's name be typed on the terminal (refused
 * without a terminal unless --auto-approve). Nothing runs unless the
 * synthesised output holds the environment's stacks and HCLOUD_TOKEN, the
 * S3 state credentials (where state is in a bucket) and every TF_VAR_ the
 * stacks need are set, the state passphrase (TF_VAR_state_passphrase) with
 * at least 16 characters; Terraform, which has no state encryption, runs
 * only an output synthesised without it (ALL2ALL_STATE_ENCRYPTION=off). A failing step stops the run: later stacks are not
 * touched. See docs/deploy.md and docs/first-deploy.md.
 *
 * Exit codes: 0 done (plan: no stateful resource replaced or destroyed);
 * 1 a step failed or the confirmation was not given; 2 bad input (arguments,
 * no synthesised output, no binary, missing credentials or variables);
 * 3 dangerous: plan found a replacement or destruction of a stateful
 * resource, or deploy --auto-approve refused to apply one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { chooseBinary } from "./deploy/binary";
import { stdinConfirm, stdinIsTerminal, type Confirm } from "./deploy/confirm";
import { environmentStacks, type StackFacts } from "./deploy/output";
import { preflightProblems } from "./deploy/preflight";
import { staleness } from "./inputs";
import { DIGEST_PATTERN, stacksDigest } from "./digest";
import { spawnRunner, stackStep, stepFailure, type Runner, type StepName } from "./deploy/runner";
import {
  LOCK_FILE,
  missingLockProblem,
  selectEnvironmentStacks,
  stacksWithoutLock,
  type StackRunOptions,
} from "./deploy/stacks";
import { formatPlanSummary, summarisePlan, type PlanSummary } from "./deploy/summary";
import { ExitCode, shownPath, type Io } from "./io";
import { PASSPHRASE_VARIABLE, PREVIOUS_PASSPHRASE_VARIABLE } from "../stacks/hcloud-stack";
import { readProjectConfig } from "./project";

export { formatPlanSummary, statefulLossOf, summarisePlan, type PlanSummary } from "./deploy/summary";
export type { Runner, Step, StepResult } from "./deploy/runner";
export type { Confirm } from "./deploy/confirm";

/** The saved plan and its JSON, in each stack's working directory. */
export const PLAN_FILE = "plan.tfplan";
export const PLAN_JSON = "plan.json";

export interface DeployOptions extends StackRunOptions {
  /** deploy: apply without asking (automation). A plan replacing or destroying a stateful resource is still not applied. */
  readonly autoApprove?: boolean;
  /**
   * The digest `all2all diff` printed for the environment when it was
   * reviewed (`sha256:…`): refuse unless the synthesised stacks are exactly those.
   */
  readonly expectDigest?: string;
  /**
   * deploy: write the state of every stack whose plan is empty again
   * (`apply -refresh=false -auto-approve`, nothing changes at Hetzner), so it
   * is encrypted with the key that writes now: the last step of a key
   * rotation (docs/deploy.md, "Rotating the state key"). Implied while the
   * output is synthesised for a rotation (TF_VAR_state_passphrase_previous).
   */
  readonly reencrypt?: boolean;
  /** Extra environment for the engine (the rehearsal's endpoints and CLI configuration); io.env otherwise. */
  readonly engineEnv?: Readonly<Record<string, string>>;
}

export { LOCK_FILE } from "./deploy/stacks";

/** What the command touches besides the Io, replaceable in tests. */
export interface DeployDeps {
  /** Runs one step; default: spawns it (cli/deploy/runner.ts). */
  readonly run?: Runner;
  /** Asks for the confirmation; default: a line from standard input. */
  readonly confirm?: Confirm;
  /** Whether the confirmation can be answered; default: true with `confirm`, else whether standard input is a terminal. */
  readonly stdinIsTTY?: boolean;
}

type Mode = "plan" | "deploy";

function stepArgs(step: StepName): string[] {
  switch (step) {
    case "init":
      return ["init", "-input=false"];
    case "plan":
      return ["plan", "-input=false", `-out=${PLAN_FILE}`];
    case "show":
      return ["show", "-json", PLAN_FILE];
    case "apply":
      return ["apply", "-input=false", PLAN_FILE];
    case "reencrypt":
      // Nothing to change, but the state is written again, with the key that now writes (a key rotation).
      // -refresh=false: nothing read from Hetzner is taken into the state (a refresh-only apply would accept drift).
      return ["apply", "-input=false", "-refresh=false", "-auto-approve"];
  }
}

/** The hcloud provider version tofu locked in a stack's directory after init, if readable. */
export function lockedProviderVersion(stackDir: string): string | undefined {
  try {
    const lock = fs.readFileSync(path.join(stackDir, ".terraform.lock.hcl"), "utf8");
    return /provider "registry\.(?:terraform|opentofu)\.org\/hetznercloud\/hcloud" \{\s*version\s*=\s*"([^"]+)"/.exec(
      lock,
    )?.[1];
  } catch {
    return undefined;
  }
}

function readVersionFile(root: string): string | undefined {
  try {
    return fs.readFileSync(path.join(root, "providers", "hcloud", "VERSION"), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** What replaces a sensitive variable's value in plan.json. */
export const MASK = "(sensitive)";

/**
 * Rewrites plan.json without the values of the stack's sensitive variables
 * (the state passphrase, storage box passwords, TSIG keys), which
 * `show -json` prints in clear: with state and plans encrypted, plan.json
 * must not be where they can still be read. Only whole string values and
 * their JSON-escaped occurrences are replaced; the summary reads actions only.
 */
export function maskPlanJson(file: string, facts: StackFacts, env: Readonly<Record<string, string | undefined>>): void {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return;
  }
  const values = facts.variables
    .filter((v) => v.sensitive)
    .map((v) => env[`TF_VAR_${v.name}`])
    .filter((v): v is string => v !== undefined && v.length >= 4)
    .sort((a, b) => b.length - a.length);
  let masked = text;
  for (const value of values) masked = masked.split(JSON.stringify(value).slice(1, -1)).join(MASK);
  if (masked === text) return;
  const tmp = `${file}.masking`;
  fs.writeFileSync(tmp, masked, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function runPlan(opts: DeployOptions, io: Io, root: string, deps: DeployDeps = {}): Promise<number> {
  return runStacks("plan", opts, io, root, deps);
}

export function runDeploy(opts: DeployOptions, io: Io, root: string, deps: DeployDeps = {}): Promise<number> {
  return runStacks("deploy", opts, io, root, deps);
}

async function runStacks(mode: Mode, opts: DeployOptions, io: Io, root: string, deps: DeployDeps): Promise<number> {
  const prefix = mode;
  const env = opts.env?.trim();
  if (env === undefined || env === "") {
    io.err(
      `${prefix}: --env is required: ${mode === "plan" ? "plans are made" : "a deploy runs"} for one environment (e.g. --env staging)`,
    );
    return ExitCode.badInput;
  }
  const out = opts.out === undefined ? path.join(root, readProjectConfig(root).output) : path.resolve(io.cwd, opts.out);
  const outLabel = shownPath(io, out);

  // 1. The synthesised stacks of the environment, in order.
  const selection = selectEnvironmentStacks(out, outLabel, env, opts.stack);
  if ("problem" in selection) {
    io.err(`${prefix}: ${selection.problem}`);
    return ExitCode.badInput;
  }
  const { stacks, facts } = selection;

  // 2. A confirmation needs a terminal (or --auto-approve), the binary must exist, and every credential and variable must be set.
  const problems: string[] = [];
  const stdinIsTTY = deps.stdinIsTTY ?? (deps.confirm !== undefined || stdinIsTerminal());
  if (mode === "deploy" && !opts.autoApprove && !stdinIsTTY) {
    problems.push(
      "standard input is not a terminal, so the confirmation cannot be typed: run deploy in a terminal, or pass --auto-approve (automation)",
    );
  }
  const binary = chooseBinary(opts.binary, io.env, io.cwd);
  if (!binary.ok) problems.push(binary.problem);
  const runEnv: Readonly<Record<string, string | undefined>> = opts.engineEnv
    ? { ...io.env, ...opts.engineEnv }
    : io.env;
  problems.push(...preflightProblems(env, facts, runEnv));
  // Terraform has no state encryption, and stops at the `encryption` block it does not know.
  const isTerraform = binary.ok && /terraform/i.test(binary.name);
  const encrypted = facts.filter((f) => f.facts.encrypted).map((f) => f.name);
  const clear = facts.filter((f) => !f.facts.encrypted).map((f) => f.name);
  if (isTerraform && encrypted.length > 0) {
    problems.push(
      `${binary.ok ? binary.name : "terraform"} has no state encryption, and ${encrypted.join(", ")} ${encrypted.length === 1 ? "is" : "are"} synthesised with OpenTofu's (the \`encryption\` block): ` +
        `use OpenTofu (--binary tofu), or synthesise without it (\`ALL2ALL_STATE_ENCRYPTION=off all2all synth\`), knowing that state and plans then hold the storage box passwords and TSIG keys in clear (docs/deploy.md, "State encryption")`,
    );
  }
  if (opts.expectDigest !== undefined) {
    const expected = opts.expectDigest.trim();
    if (!DIGEST_PATTERN.test(expected)) {
      problems.push(
        `--expect-digest ${JSON.stringify(opts.expectDigest)} is not a digest: give the \`sha256:<64 hex digits>\` that all2all diff printed for environment ${env} (docs/review.md)`,
      );
    } else {
      const all = environmentStacks(out, outLabel, env);
      const actual = stacksDigest(all.map((s) => [s.name, JSON.parse(fs.readFileSync(s.file, "utf8"))] as const));
      if (actual !== expected) {
        problems.push(
          `what ${outLabel} holds for ${env} (${actual}) is not what was reviewed (${expected}): synthesise the reviewed commit, or review this one (all2all diff)`,
        );
      }
    }
  }
  const stale = staleness(out, root);
  if (stale && "stale" in stale)
    problems.push(
      `${outLabel} no longer matches what it was made from: ${stale.stale}; run \`all2all synth\` (or \`npm run synth\`) and plan again`,
    );
  const unlocked = stacksWithoutLock(stacks);
  if (unlocked.length > 0 && !opts.allowMissingLock) {
    problems.push(
      missingLockProblem(
        unlocked,
        ", which is made once with `npm run providers:lock` where a registry can be reached",
      ),
    );
  }
  if (problems.length > 0) {
    for (const p of problems) io.err(`${prefix}: ${p}`);
    io.err(`${prefix}: nothing was run`);
    return ExitCode.badInput;
  }
  if (!binary.ok) return ExitCode.badInput; // for the type checker: reported above
  const run = deps.run ?? spawnRunner(io);
  const confirm = deps.confirm ?? stdinConfirm();
  const expectedProvider = readVersionFile(root);

  if (stale && "unknown" in stale) io.err(`${prefix}: warning: ${outLabel}: ${stale.unknown}`);
  if (clear.length > 0) {
    io.err(
      `${prefix}: warning: state is not encrypted: ${clear.join(", ")} ${clear.length === 1 ? "was" : "were"} synthesised without state encryption` +
        `${isTerraform ? ` (${binary.name} has none)` : " (ALL2ALL_STATE_ENCRYPTION=off)"}, so state and plans hold the storage box passwords and TSIG keys in clear: ` +
        `keep them on encrypted, access-controlled storage (docs/deploy.md, "State encryption")`,
    );
  }
  if (unlocked.length > 0)
    io.err(
      `${prefix}: warning: no ${LOCK_FILE} in ${unlocked.map((s) => s.name).join(", ")}: init will choose the provider and write one (--allow-missing-lock)`,
    );
  io.out(
    `${prefix}: environment ${env}, ${stacks.length} stack${stacks.length === 1 ? "" : "s"} in order: ${stacks.map((s) => s.name).join(", ")} (${binary.name}: ${binary.path})`,
  );
  let dangerous = 0;
  const applied: string[] = [];
  const notRun = (i: number) => {
    const later = stacks.slice(i + 1).map((s) => s.name);
    return later.length > 0 ? `; not run: ${later.join(", ")}` : "";
  };

  for (const [i, stack] of stacks.entries()) {
    const dir = shownPath(io, stack.dir);
    io.out("");
    io.out(`== ${stack.name} (${i + 1}/${stacks.length}) in ${dir}`);
    // A plan file left by an earlier run must never be applied by mistake.
    for (const f of [PLAN_FILE, PLAN_JSON]) fs.rmSync(path.join(stack.dir, f), { force: true });

    const step = async (name: StepName): Promise<boolean> => {
      const args = stepArgs(name);
      const s = stackStep(stack, name, binary.path, args, runEnv, PLAN_JSON);
      io.out(`$ ${binary.name} ${args.join(" ")}${name === "show" ? ` > ${PLAN_JSON}` : ""}`);
      const result = await run(s);
      if (result.code === 0) return true;
      const why = stepFailure(result);
      io.err(
        `${prefix}: ${stack.name}: step ${name} failed: \`${binary.name} ${args.join(" ")}\` ${why} in ${dir}${notRun(i)}`,
      );
      // A lock left by a run that was killed stops every later run of the stack (docs/deploy.md, "State locking").
      if ((name === "plan" || name === "apply") && facts[i]!.facts.backend === "s3") {
        io.err(
          `${prefix}: ${stack.name}: if the engine said "Error acquiring the state lock" and the run in its Lock Info is gone, ` +
            `\`all2all unlock --env ${env} --stack ${stack.name}\` shows the lock and releases it (docs/deploy.md, "State locking")`,
        );
      }
      return false;
    };

    if (!(await step("init"))) return ExitCode.failed;
    const locked = lockedProviderVersion(stack.dir);
    if (expectedProvider !== undefined && locked !== undefined && locked !== expectedProvider) {
      io.err(
        `${prefix}: warning: ${stack.name}: ${binary.name} installed hetznercloud/hcloud ${locked}, but the synthesised JSON was validated against ` +
          `the schema of ${expectedProvider} (providers/hcloud/VERSION): see docs/provider-upgrade.md`,
      );
    }
    if (!(await step("plan"))) return ExitCode.failed;
    // The saved plan holds sensitive values too: readable by its owner only.
    if (fs.existsSync(path.join(stack.dir, PLAN_FILE))) fs.chmodSync(path.join(stack.dir, PLAN_FILE), 0o600);
    if (!(await step("show"))) return ExitCode.failed;
    maskPlanJson(path.join(stack.dir, PLAN_JSON), facts[i]!.facts, runEnv);
    let summary: PlanSummary;
    try {
      summary = summarisePlan(JSON.parse(fs.readFileSync(path.join(stack.dir, PLAN_JSON), "utf8")));
    } catch (err) {
      io.err(
        `${prefix}: ${stack.name}: cannot read ${path.join(dir, PLAN_JSON)}: ${(err as Error).message}${notRun(i)}`,
      );
      return ExitCode.failed;
    }
    for (const line of formatPlanSummary(stack.name, summary)) io.out(line);
    dangerous += summary.dangerous.length;
    if (mode === "plan") continue;

    const rotating = facts[i]!.facts.variables.some((v) => v.name === PREVIOUS_PASSPHRASE_VARIABLE);
    if (summary.empty) {
      io.out(`${stack.name}: nothing to apply`);
      if (rotating || opts.reencrypt === true) {
        io.out(
          `${stack.name}: ${rotating ? "rotating the state key: " : ""}writing its state again with the key of TF_VAR_${PASSPHRASE_VARIABLE}`,
        );
        if (!(await step("reencrypt"))) return ExitCode.failed;
        applied.push(stack.name);
      }
      continue;
    }
    if (opts.autoApprove) {
      if (summary.dangerous.length > 0) {
        io.err(
          `${prefix}: ${stack.name}: not applied: the plan replaces or destroys ${summary.dangerous.length} stateful resource${summary.dangerous.length === 1 ? "" : "s"} (marked !! above); ` +
            `--auto-approve never applies that: run \`all2all deploy --env ${env} --stack ${stack.name}\` in a terminal and confirm it${notRun(i)}`,
        );
        return ExitCode.dangerous;
      }
    } else {
      const answer = await confirm(
        `Apply this plan to ${stack.name}? Type the environment's name (${env}) to apply it, anything else stops here:`,
      );
      if (answer?.trim() !== env) {
        io.err(`${prefix}: ${stack.name}: not confirmed: nothing applied to it${notRun(i)}`);
        return ExitCode.failed;
      }
    }
    if (!(await step("apply"))) return ExitCode.failed;
    applied.push(stack.name);
  }

  io.out("");
  if (mode === "plan") {
    io.out(
      `plan: ${stacks.length} stack${stacks.length === 1 ? "" : "s"} planned; the plans are in ${stacks.map((s) => path.join(shownPath(io, s.dir), PLAN_FILE)).join(", ")}. ` +
        `Apply with \`all2all deploy --env ${env}${opts.stack !== undefined ? ` --stack ${opts.stack}` : ""}\` (which plans again).`,
    );
    io.out(
      `plan: the full review of these plans: all2all plan-summary ${stacks.map((s) => path.join(shownPath(io, s.dir), PLAN_JSON)).join(" ")} (docs/review.md)`,
    );
    if (dangerous > 0) {
      io.err(
        `plan: ${dangerous} replacement${dangerous === 1 ? "" : "s"} or destruction${dangerous === 1 ? "" : "s"} of stateful resources (marked !! above): read them before any deploy`,
      );
      return ExitCode.dangerous;
    }
    return ExitCode.ok;
  }
  io.out(
    `deploy: environment ${env}: ${applied.length > 0 ? `applied ${applied.join(", ")}` : "nothing applied (no changes)"}`,
  );
  return ExitCode.ok;
}

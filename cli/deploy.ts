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
 * only an output synthesised without it (ALL2ALL_STATE_ENCRYPTION=off). A failing step stops the run: later stacks are
 * not
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
import { checkRun, printRunWarnings } from "./deploy/checks";
import { stdinConfirm, stdinIsTerminal, type Confirm } from "./deploy/confirm";
import { spawnRunner, type Runner } from "./deploy/runner";
import { selectEnvironmentStacks, type StackRunOptions } from "./deploy/stacks";
import { PLAN_FILE, PLAN_JSON, runStackSteps, type StacksRun } from "./deploy/steps";
import { ExitCode, shownPath, type Io } from "./io";
import { readProjectConfig } from "./project";

export { formatPlanSummary, statefulLossOf, summarisePlan, type PlanSummary } from "./deploy/summary";
export type { Runner, Step, StepResult } from "./deploy/runner";
export type { Confirm } from "./deploy/confirm";

export interface DeployOptions extends StackRunOptions {
  /**
   * deploy: apply without asking (automation). A plan replacing or destroying a stateful resource is still not applied.
   */
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
  /**
   * Whether the confirmation can be answered; default: true with `confirm`, else whether standard input is a terminal.
   */
  readonly stdinIsTTY?: boolean;
}

type Mode = "plan" | "deploy";

function readVersionFile(root: string): string | undefined {
  try {
    return fs.readFileSync(path.join(root, "providers", "hcloud", "VERSION"), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
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
      `${prefix}: --env is ` +
        `required: ${mode === "plan" ? "plans are made" : "a deploy runs"} for one ` +
        `environment (e.g. --env staging)`,
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

  // 2. A confirmation needs a terminal (or --auto-approve), the binary must exist, and every credential and variable
  // must be set.
  const stdinIsTTY = deps.stdinIsTTY ?? (deps.confirm !== undefined || stdinIsTerminal());
  const checks = checkRun({ ...opts, mode, env, out, outLabel, root, stacks, facts, stdinIsTTY }, io);
  const { binary } = checks;
  if (checks.problems.length > 0) {
    for (const p of checks.problems) io.err(`${prefix}: ${p}`);
    io.err(`${prefix}: nothing was run`);
    return ExitCode.badInput;
  }
  if (!binary.ok) return ExitCode.badInput; // for the type checker: reported above
  const run: StacksRun = {
    ...opts,
    mode,
    env,
    stacks,
    facts,
    binary,
    runEnv: checks.runEnv,
    run: deps.run ?? spawnRunner(io),
    confirm: deps.confirm ?? stdinConfirm(),
    expectedProvider: readVersionFile(root),
  };

  printRunWarnings(prefix, outLabel, checks, io);
  io.out(
    `${prefix}: environment ${env}, ${stacks.length} stack${stacks.length === 1 ? "" : "s"} in ` +
      `order: ${stacks.map((s) => s.name).join(", ")} (${binary.name}: ${binary.path})`,
  );
  let dangerous = 0;
  const applied: string[] = [];
  for (const [i, stack] of stacks.entries()) {
    const outcome = await runStackSteps(run, i, io);
    if ("stop" in outcome) return outcome.stop;
    dangerous += outcome.dangerous;
    if (outcome.applied) applied.push(stack.name);
  }

  io.out("");
  if (mode === "plan") return finishPlan(opts, env, stacks, dangerous, io);
  io.out(
    `deploy: ` +
      `environment ${env}: ${applied.length > 0 ? `applied ${applied.join(", ")}` : "nothing applied (no changes)"}`,
  );
  return ExitCode.ok;
}

/** plan's last lines: where the plans are, how to apply and review them, and what they would lose. */
function finishPlan(opts: DeployOptions, env: string, stacks: StacksRun["stacks"], dangerous: number, io: Io): number {
  io.out(
    `plan: ${stacks.length} stack${stacks.length === 1 ? "" : "s"} planned; the plans are ` +
      `in ${stacks.map((s) => path.join(shownPath(io, s.dir), PLAN_FILE)).join(", ")}. ` +
      (`Apply with \`all2all deploy ` +
        `--env ${env}${opts.stack !== undefined ? ` --stack ${opts.stack}` : ""}\` ` +
        `(which plans again).`),
  );
  io.out(
    `plan: the full review of these plans: all2all ` +
      `plan-summary ${stacks.map((s) => path.join(shownPath(io, s.dir), PLAN_JSON)).join(" ")} (docs/review.md)`,
  );
  if (dangerous > 0) {
    io.err(
      `plan: ${dangerous} replacement${dangerous === 1 ? "" : "s"} or ` +
        `destruction${dangerous === 1 ? "" : "s"} of stateful resources (marked !! above): read them ` +
        `before any deploy`,
    );
    return ExitCode.dangerous;
  }
  return ExitCode.ok;
}

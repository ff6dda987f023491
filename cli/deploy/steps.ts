/**
 * The steps of `all2all plan` and `all2all deploy` on one stack, in its
 * working directory: init, plan, show (its summary printed), and for deploy,
 * after confirmation, apply (or, with an empty plan during a key rotation or
 * with --reencrypt, the state written again with the new key).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PASSPHRASE_VARIABLE, PREVIOUS_PASSPHRASE_VARIABLE } from "../../stacks/hcloud-stack";
import { ExitCode, shownPath, type Io } from "../io";
import type { Confirm } from "./confirm";
import type { StackFacts, SynthStack } from "./output";
import type { PreflightStack } from "./preflight";
import { stackStep, stepFailure, type Runner, type StepName } from "./runner";
import { formatPlanSummary, summarisePlan, type PlanSummary } from "./summary";

/** The saved plan and its JSON, in each stack's working directory. */
export const PLAN_FILE = "plan.tfplan";
export const PLAN_JSON = "plan.json";

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

/** What the steps of every stack share: the run's stacks in order, the binary, and how steps run and are confirmed. */
export interface StacksRun {
  readonly mode: "plan" | "deploy";
  readonly env: string;
  readonly stacks: readonly SynthStack[];
  readonly facts: readonly PreflightStack[];
  readonly binary: { readonly path: string; readonly name: string };
  readonly runEnv: Readonly<Record<string, string | undefined>>;
  readonly run: Runner;
  readonly confirm: Confirm;
  /** The provider version the JSON was validated against (providers/hcloud/VERSION), if known. */
  readonly expectedProvider: string | undefined;
  readonly autoApprove?: boolean;
  readonly reencrypt?: boolean;
}

/**
 * What the steps of one stack gave: how many stateful resources its plan loses
 * and whether it was applied, or the exit code that stops the run.
 */
export type StackOutcome = { readonly dangerous: number; readonly applied: boolean } | { readonly stop: number };

/** Runs one step of stack `i`, its command line printed; false (the failure reported) when it failed. */
type StepOf = (name: StepName) => Promise<boolean>;

/** What follows a failure: the stacks after `i`, which are not run. */
function notRun(run: StacksRun, i: number): string {
  const later = run.stacks.slice(i + 1).map((s) => s.name);
  return later.length > 0 ? `; not run: ${later.join(", ")}` : "";
}

function stepOf(run: StacksRun, i: number, io: Io): StepOf {
  const { mode: prefix, binary, env } = run;
  const stack = run.stacks[i]!;
  const dir = shownPath(io, stack.dir);
  return async (name) => {
    const args = stepArgs(name);
    const s = stackStep(stack, name, binary.path, args, run.runEnv, PLAN_JSON);
    io.out(`$ ${binary.name} ${args.join(" ")}${name === "show" ? ` > ${PLAN_JSON}` : ""}`);
    const result = await run.run(s);
    if (result.code === 0) return true;
    const why = stepFailure(result);
    io.err(
      `${prefix}: ${stack.name}: step ${name} failed: ` +
        `\`${binary.name} ${args.join(" ")}\` ${why} in ${dir}${notRun(run, i)}`,
    );
    // A lock left by a run that was killed stops every later run of the stack (docs/deploy.md, "State locking").
    if ((name === "plan" || name === "apply") && run.facts[i]!.facts.backend === "s3") {
      io.err(
        `${prefix}: ${stack.name}: if the engine said "Error acquiring the ` +
          `state lock" and the run in its Lock Info is gone, ` +
          (`\`all2all unlock --env ${env} --stack ${stack.name}\` shows the lock ` +
            `and releases it (docs/deploy.md, "State locking")`),
      );
    }
    return false;
  };
}

/** Runs the steps of stack `i` (of `run.stacks`): its plan, summarised, and for deploy what is applied. */
export async function runStackSteps(run: StacksRun, i: number, io: Io): Promise<StackOutcome> {
  const stack = run.stacks[i]!;
  io.out("");
  io.out(`== ${stack.name} (${i + 1}/${run.stacks.length}) in ${shownPath(io, stack.dir)}`);
  // A plan file left by an earlier run must never be applied by mistake.
  for (const f of [PLAN_FILE, PLAN_JSON]) fs.rmSync(path.join(stack.dir, f), { force: true });
  const step = stepOf(run, i, io);
  const summary = await planStack(run, i, step, io);
  if (typeof summary === "number") return { stop: summary };
  const dangerous = summary.dangerous.length;
  if (run.mode === "plan") return { dangerous, applied: false };
  const applied = await applyStack(run, i, summary, step, io);
  return typeof applied === "number" ? { stop: applied } : { dangerous, applied };
}

/** init, plan and show: the plan's summary, printed, or the exit code of a failure. */
async function planStack(run: StacksRun, i: number, step: StepOf, io: Io): Promise<PlanSummary | number> {
  const { mode: prefix, binary, expectedProvider } = run;
  const stack = run.stacks[i]!;
  if (!(await step("init"))) return ExitCode.failed;
  const locked = lockedProviderVersion(stack.dir);
  if (expectedProvider !== undefined && locked !== undefined && locked !== expectedProvider) {
    io.err(
      `${prefix}: warning: ${stack.name}: ${binary.name} installed ` +
        `hetznercloud/hcloud ${locked}, but the synthesised JSON was validated against ` +
        `the schema of ${expectedProvider} (providers/hcloud/VERSION): see docs/provider-upgrade.md`,
    );
  }
  if (!(await step("plan"))) return ExitCode.failed;
  // The saved plan holds sensitive values too: readable by its owner only.
  if (fs.existsSync(path.join(stack.dir, PLAN_FILE))) fs.chmodSync(path.join(stack.dir, PLAN_FILE), 0o600);
  if (!(await step("show"))) return ExitCode.failed;
  maskPlanJson(path.join(stack.dir, PLAN_JSON), run.facts[i]!.facts, run.runEnv);
  let summary: PlanSummary;
  try {
    summary = summarisePlan(JSON.parse(fs.readFileSync(path.join(stack.dir, PLAN_JSON), "utf8")));
  } catch (err) {
    io.err(
      `${prefix}: ${stack.name}: cannot ` +
        `read ${path.join(shownPath(io, stack.dir), PLAN_JSON)}: ${(err as Error).message}${notRun(run, i)}`,
    );
    return ExitCode.failed;
  }
  for (const line of formatPlanSummary(stack.name, summary)) io.out(line);
  return summary;
}

/**
 * deploy: applies the plan once confirmed (an empty one re-encrypts during a
 * rotation); whether it applied, or the exit code that stops the run.
 */
async function applyStack(
  run: StacksRun,
  i: number,
  summary: PlanSummary,
  step: StepOf,
  io: Io,
): Promise<boolean | number> {
  const { mode: prefix, env } = run;
  const stack = run.stacks[i]!;
  const rotating = run.facts[i]!.facts.variables.some((v) => v.name === PREVIOUS_PASSPHRASE_VARIABLE);
  if (summary.empty) {
    io.out(`${stack.name}: nothing to apply`);
    if (!rotating && run.reencrypt !== true) return false;
    io.out(
      `${stack.name}: ${rotating ? "rotating the state key: " : ""}writing its ` +
        `state again with the key of TF_VAR_${PASSPHRASE_VARIABLE}`,
    );
    return (await step("reencrypt")) ? true : ExitCode.failed;
  }
  if (run.autoApprove) {
    if (summary.dangerous.length > 0) {
      io.err(
        `${prefix}: ${stack.name}: not applied: the plan replaces or destroys ${summary.dangerous.length} ` +
          `stateful resource${summary.dangerous.length === 1 ? "" : "s"} (marked !! above); ` +
          (`--auto-approve never applies that: run \`all2all deploy --env ${env} ` +
            `--stack ${stack.name}\` in a terminal and confirm it${notRun(run, i)}`),
      );
      return ExitCode.dangerous;
    }
  } else {
    const answer = await run.confirm(
      `Apply this plan to ${stack.name}? Type the environment's name (${env}) to apply it, anything else stops here:`,
    );
    if (answer?.trim() !== env) {
      io.err(`${prefix}: ${stack.name}: not confirmed: nothing applied to it${notRun(run, i)}`);
      return ExitCode.failed;
    }
  }
  return (await step("apply")) ? true : ExitCode.failed;
}

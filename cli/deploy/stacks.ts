/**
 * The stacks a command that runs the engine works on (`all2all plan`,
 * `deploy`, `drift`): those of one environment in the synthesised output,
 * narrowed by `--stack`, each with its facts; and the check that each has
 * the provider lock file synth copies into its directory.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { STACK_CONCERNS } from "../inventory/items";
import { environmentStacks, OutputProblem, stackFacts, type SynthStack } from "./output";
import type { PreflightStack } from "./preflight";

/** The provider lock file, in each stack's working directory (committed as providers/hcloud/.terraform.lock.hcl). */
export const LOCK_FILE = ".terraform.lock.hcl";

/** The options of every command that runs the engine on the stacks of one environment. */
export interface StackRunOptions {
  /** The environment (required). */
  readonly env?: string;
  /** One stack of the environment: its name (`production-dns`) or concern (`dns`). Default: every stack, in order. */
  readonly stack?: string;
  /**
   * The synthesised output; default the repository's cdktf.out (cdktf.json `output`). Relative to the working
   * directory.
   */
  readonly out?: string;
  /** The tofu/terraform binary: a path, or a name on PATH. Default `tofu`, else `terraform`, on PATH. */
  readonly binary?: string;
  /**
   * Run a stack that has no provider lock file (.terraform.lock.hcl, copied
   * by synth from providers/hcloud/): `init` then picks a provider version and
   * writes a lock of its own. Refused by default, so that every run uses the
   * reviewed provider build.
   */
  readonly allowMissingLock?: boolean;
}

/** `--stack`: a stack's name or concern; all of them without it. A string is the problem. */
export function selectStacks(all: SynthStack[], env: string, wanted: string | undefined): SynthStack[] | string {
  if (wanted === undefined) return all;
  const name = wanted.trim();
  const found = all.find((s) => s.name === name || s.name === `${env}-${name}`);
  if (found) return [found];
  return (
    `--stack ${wanted} is not a stack of environment ${env}; its ` +
    `stacks: ${all.map((s) => s.name).join(", ")} (or ${STACK_CONCERNS.join(", ")})`
  );
}

/** The selected stacks in order with their facts, or why there are none (an OutputProblem or a wrong `--stack`). */
export type StackSelection =
  | { readonly stacks: SynthStack[]; readonly facts: PreflightStack[] }
  | { readonly problem: string };

/**
 * The stacks of environment `env` in `out` that `--stack` (`wanted`)
 * selects, in deployment order, each with its facts. A problem with the
 * output or the option is returned, for the command to print and exit 2.
 */
export function selectEnvironmentStacks(
  out: string,
  outLabel: string,
  env: string,
  wanted: string | undefined,
): StackSelection {
  try {
    const selected = selectStacks(environmentStacks(out, outLabel, env), env, wanted);
    if (typeof selected === "string") return { problem: selected };
    return { stacks: selected, facts: selected.map((s) => ({ name: s.name, facts: stackFacts(s) })) };
  } catch (err) {
    if (err instanceof OutputProblem) return { problem: err.message };
    throw err;
  }
}

/** The stacks whose directory has no LOCK_FILE. */
export function stacksWithoutLock(stacks: readonly SynthStack[]): SynthStack[] {
  return stacks.filter((s) => !fs.existsSync(path.join(s.dir, LOCK_FILE)));
}

/**
 * The preflight problem for stacks without their lock file; `origin` is
 * said right after providers/hcloud/LOCK_FILE (how that file is made), or
 * nothing.
 */
export function missingLockProblem(unlocked: readonly SynthStack[], origin = ""): string {
  return (
    `${unlocked.map((s) => s.name).join(", ")} ${unlocked.length === 1 ? "has" : "have"} no provider lock ` +
    `file (${LOCK_FILE}): synth copies it from providers/hcloud/${LOCK_FILE}${origin} ` +
    "(docs/provider-upgrade.md); --allow-missing-lock lets init choose and lock a provider itself"
  );
}

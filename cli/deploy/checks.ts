/**
 * What `all2all plan` and `all2all deploy` check before any step runs: the
 * problems that stop the run (nothing is run, exit 2), and the warnings
 * printed before the first step.
 */
import * as fs from "node:fs";
import { DIGEST_PATTERN, stacksDigest } from "../digest";
import { staleness } from "../inputs";
import type { Io } from "../io";
import { chooseBinary, type BinaryChoice } from "./binary";
import { environmentStacks, type SynthStack } from "./output";
import { preflightProblems } from "./preflight";
import { LOCK_FILE, missingLockProblem, stacksWithoutLock, type StackRunOptions } from "./stacks";
import type { StacksRun } from "./steps";

/** What the checks read: the command's options, and the environment's selected stacks in `out`. */
export interface RunInputs
  extends Pick<StacksRun, "mode" | "env" | "stacks" | "facts">,
    Pick<StackRunOptions, "binary" | "allowMissingLock"> {
  /** The synthesised output (absolute), and how messages name it. */
  readonly out: string;
  readonly outLabel: string;
  /** The repository, whose providers/ and config the output was made from. */
  readonly root: string;
  /** deploy: apply without asking, so no terminal is needed. */
  readonly autoApprove?: boolean;
  /** The digest the reviewed output had (`sha256:…`). */
  readonly expectDigest?: string;
  /** Extra environment for the engine, over Io.env. */
  readonly engineEnv?: Readonly<Record<string, string>>;
  /** Whether the confirmation can be answered (a terminal, or an injected confirm). */
  readonly stdinIsTTY: boolean;
}

/** What the checks found: the problems, and what the run and its warnings need. */
export interface RunChecks {
  readonly problems: string[];
  readonly binary: BinaryChoice;
  /** The environment every step runs with: Io.env, with the engine's extra variables. */
  readonly runEnv: Readonly<Record<string, string | undefined>>;
  readonly isTerraform: boolean;
  /** The stacks synthesised without state encryption. */
  readonly clear: string[];
  readonly stale: ReturnType<typeof staleness>;
  /** The stacks without a provider lock file. */
  readonly unlocked: SynthStack[];
}

/**
 * A confirmation needs a terminal (or --auto-approve), the binary must
 * exist, and every credential and variable must be set; the output must be
 * the reviewed one (--expect-digest) and match what it was made from.
 */
export function checkRun(run: RunInputs, io: Io): RunChecks {
  const { env, facts } = run;
  const problems: string[] = [];
  if (run.mode === "deploy" && !run.autoApprove && !run.stdinIsTTY) {
    problems.push(
      "standard input is not a terminal, so the confirmation cannot be typed: run " +
        "deploy in a terminal, or pass --auto-approve (automation)",
    );
  }
  const binary = chooseBinary(run.binary, io.env, io.cwd);
  if (!binary.ok) problems.push(binary.problem);
  const runEnv: Readonly<Record<string, string | undefined>> = run.engineEnv ? { ...io.env, ...run.engineEnv } : io.env;
  problems.push(...preflightProblems(env, facts, runEnv));
  // Terraform has no state encryption, and stops at the `encryption` block it does not know.
  const isTerraform = binary.ok && /terraform/i.test(binary.name);
  const encrypted = facts.filter((f) => f.facts.encrypted).map((f) => f.name);
  const clear = facts.filter((f) => !f.facts.encrypted).map((f) => f.name);
  if (isTerraform && encrypted.length > 0) {
    problems.push(
      `${binary.ok ? binary.name : "terraform"} has no state encryption, ` +
        `and ${encrypted.join(", ")} ${encrypted.length === 1 ? "is" : "are"} synthesised with OpenTofu's (the ` +
        `\`encryption\` block): ` +
        (`use OpenTofu (--binary tofu), or synthesise without it (\`ALL2ALL_STATE_ENCRYPTION=off all2all ` +
          `synth\`), knowing that state and plans then hold the storage box passwords and TSIG keys in clear ` +
          `(docs/deploy.md, "State encryption")`),
    );
  }
  if (run.expectDigest !== undefined) problems.push(...digestProblems(run, run.expectDigest));
  const stale = staleness(run.out, run.root);
  if (stale && "stale" in stale)
    problems.push(
      `${run.outLabel} no longer matches what it was made from: ${stale.stale}; run ` +
        `\`all2all synth\` (or \`npm run synth\`) and plan again`,
    );
  const unlocked = stacksWithoutLock(run.stacks);
  if (unlocked.length > 0 && !run.allowMissingLock) {
    problems.push(
      missingLockProblem(
        unlocked,
        ", which is made once with `npm run providers:lock` where a registry can be reached",
      ),
    );
  }
  return { problems, binary, runEnv, isTerraform, clear, stale, unlocked };
}

/** --expect-digest: the digest must be one, and be that of the environment's synthesised stacks. */
function digestProblems(run: RunInputs, given: string): string[] {
  const { env, outLabel } = run;
  const expected = given.trim();
  if (!DIGEST_PATTERN.test(expected)) {
    return [
      `--expect-digest ${JSON.stringify(given)} is not a digest: give the \`sha256:<64 hex ` +
        `digits>\` that all2all diff printed for environment ${env} (docs/review.md)`,
    ];
  }
  const all = environmentStacks(run.out, outLabel, env);
  const actual = stacksDigest(all.map((s) => [s.name, JSON.parse(fs.readFileSync(s.file, "utf8"))] as const));
  if (actual === expected) return [];
  return [
    `what ${outLabel} holds for ${env} (${actual}) is not what was reviewed (${expected}): ` +
      `synthesise the reviewed commit, or review this one (all2all diff)`,
  ];
}

/** The warnings that do not stop the run: an unknown staleness, state in clear, stacks without a lock file. */
export function printRunWarnings(prefix: string, outLabel: string, checks: RunChecks, io: Io): void {
  const { stale, clear, unlocked, binary } = checks;
  if (stale && "unknown" in stale) io.err(`${prefix}: warning: ${outLabel}: ${stale.unknown}`);
  if (clear.length > 0) {
    io.err(
      `${prefix}: warning: state is not ` +
        `encrypted: ${clear.join(", ")} ${clear.length === 1 ? "was" : "were"} synthesised ` +
        `without state encryption` +
        (`${checks.isTerraform && binary.ok ? ` (${binary.name} has none)` : " (ALL2ALL_STATE_ENCRYPTION=off)"}, so ` +
          `state and plans hold the storage box passwords and TSIG keys in clear: `) +
        `keep them on encrypted, access-controlled storage (docs/deploy.md, "State encryption")`,
    );
  }
  if (unlocked.length > 0)
    io.err(
      `${prefix}: warning: no ${LOCK_FILE} in ${unlocked.map((s) => s.name).join(", ")}: ` +
        `init will choose the provider and write one (--allow-missing-lock)`,
    );
}

/**
 * `all2all drift --env NAME [--stack S] [--format md|json] [--report FILE]`:
 * what changed at Hetzner outside the code since the last apply. For each
 * stack of the environment, in dependency order, in its working directory
 * cdktf.out/stacks/<stack>:
 *
 *   <bin> init -input=false
 *   <bin> plan -refresh-only -input=false -lock-timeout=5m -out=drift.tfplan
 *   <bin> show -json drift.tfplan          > drift.json, read here
 *
 * and the `resource_drift` of each plan, summarised (cli/drift/summary.ts, written by cli/drift/render.ts):
 * per stack, per resource, per attribute, dangerous drift first. The
 * refresh-only plan is never applied, so nothing changes at Hetzner and no
 * state is written. The same preflight as `all2all plan` (the token, the S3
 * state keys, every TF_VAR_, the provider lock file) runs first. A stack
 * whose step fails is reported as not checked; the others are still checked.
 *
 * The report goes to standard output (or --report FILE, atomically); the
 * commands run and tofu's messages go to standard error, so that
 * `--format json` on standard output is JSON only.
 *
 * Exit codes: 0 nothing drifted; 5 something drifted (ExitCode.drifted);
 * 1 a step failed (the report says which stacks were not checked);
 * 2 bad input (arguments, no synthesised output, no binary, missing
 * credentials or variables). See docs/drift.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../primitives/atomic";
import { plural } from "../primitives/plural";
import { chooseBinary } from "./deploy/binary";
import type { SynthStack } from "./deploy/output";
import { preflightProblems } from "./deploy/preflight";
import { spawnRunner, stackStep, stepFailure, type Runner, type StepName } from "./deploy/runner";
import { missingLockProblem, selectEnvironmentStacks, stacksWithoutLock, type StackRunOptions } from "./deploy/stacks";
import { parseFormat, type ReportFormat } from "./diff/output";
import { driftJson, driftMarkdown, driftTitle } from "./drift/render";
import {
  driftReport,
  summariseDrift,
  type ComputedChange,
  type DriftedResource,
  type DriftReport,
} from "./drift/summary";
import { InputError } from "./errors";
import { staleness } from "./inputs";
import { ExitCode, shownPath, type Io } from "./io";
import { type Engine, synthOutput } from "./stack-engine";

/** The refresh-only plan and its JSON, in each stack's working directory (apart from plan's plan.tfplan). */
export const DRIFT_PLAN = "drift.tfplan";
export const DRIFT_JSON = "drift.json";

export interface DriftOptions extends StackRunOptions {
  /** `md` (default) or `json`. */
  readonly format?: string;
  /** Write the report to this file (atomically) instead of standard output. */
  readonly report?: string;
}

export interface DriftDeps {
  /** Runs one step; default: spawns it (cli/deploy/runner.ts), its standard output kept and shown only when it fails. */
  readonly run?: Runner;
}

function stepArgs(step: StepName): string[] {
  switch (step) {
    case "init":
      return ["init", "-input=false"];
    case "plan":
      // -lock-timeout: a deploy that holds the state lock is waited for, not failed on.
      return ["plan", "-refresh-only", "-input=false", "-lock-timeout=5m", `-out=${DRIFT_PLAN}`];
    case "show":
      return ["show", "-json", DRIFT_PLAN];
    case "apply":
    case "reencrypt":
      throw new Error("drift never applies");
  }
}

/** lifecycle.ignore_changes of each resource of a stack's cdk.tf.json, by address. */
function ignoreChangesOf(stack: SynthStack): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let doc: { resource?: Record<string, Record<string, { lifecycle?: { ignore_changes?: unknown } }>> };
  try {
    doc = JSON.parse(fs.readFileSync(stack.file, "utf8"));
  } catch {
    return out;
  }
  for (const [type, byName] of Object.entries(doc.resource ?? {})) {
    for (const [name, body] of Object.entries(byName ?? {})) {
      const ignored = body?.lifecycle?.ignore_changes;
      if (Array.isArray(ignored))
        out.set(
          `${type}.${name}`,
          ignored.filter((x): x is string => typeof x === "string"),
        );
    }
  }
  return out;
}

/** What one stack's check gave: its drift, or why it was not checked. */
type StackResult = { name: string; error?: string; resources?: DriftedResource[]; computed?: ComputedChange[] };

/** What the options ask for, checked; undefined when they are wrong (printed, for exit 2). */
function driftRequest(
  opts: DriftOptions,
  io: Io,
): { env: string; format: ReportFormat; reportFile: string | undefined } | undefined {
  const env = opts.env?.trim();
  if (env === undefined || env === "") {
    io.err("drift: --env is required: drift is checked for one environment (e.g. --env production)");
    return undefined;
  }
  let format: ReportFormat;
  try {
    format = parseFormat(opts.format);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    io.err(`drift: ${err.message}`);
    return undefined;
  }
  const reportFile = opts.report !== undefined ? path.resolve(io.cwd, opts.report) : undefined;
  if (
    reportFile !== undefined &&
    (!fs.existsSync(path.dirname(reportFile)) || !fs.statSync(path.dirname(reportFile)).isDirectory())
  ) {
    io.err(`drift: --report ${opts.report}: the folder ${path.dirname(reportFile)} does not exist`);
    return undefined;
  }
  return { env, format, reportFile };
}

/**
 * The environment's stacks in order and the binary, once the binary, the
 * credentials and variables and the lock files are all there: every problem
 * at once, before anything runs (printed, for exit 2).
 */
function driftPreflight(
  opts: DriftOptions,
  env: string,
  io: Io,
  root: string,
): { stacks: SynthStack[]; binary: Engine } | undefined {
  const out = synthOutput(opts.out, io, root);
  const selection = selectEnvironmentStacks(out.dir, out.label, env, opts.stack);
  if ("problem" in selection) {
    io.err(`drift: ${selection.problem}`);
    return undefined;
  }
  const { stacks, facts } = selection;
  const problems: string[] = [];
  const binary = chooseBinary(opts.binary, io.env, io.cwd);
  if (!binary.ok) problems.push(binary.problem);
  problems.push(...preflightProblems(env, facts, io.env));
  const unlocked = stacksWithoutLock(stacks);
  if (unlocked.length > 0 && !opts.allowMissingLock) problems.push(missingLockProblem(unlocked));
  if (problems.length > 0 || !binary.ok) {
    for (const p of problems) io.err(`drift: ${p}`);
    io.err("drift: nothing was run");
    return undefined;
  }
  const stale = staleness(out.dir, root);
  // The state is compared with Hetzner, not with the code: an output older than the code still checks drift,
  // but the configured attributes may be out of date.
  if (stale && "stale" in stale)
    io.err(
      `drift: warning: ${out.label} no longer matches what it was made from (${stale.stale}): ` +
        "which attributes the code sets is read from it; run `all2all synth` first",
    );
  return { stacks, binary };
}

/**
 * Runs one step of a stack's check; undefined when it succeeded, else the
 * message of its failure (printed, with the standard output it kept).
 */
async function driftStep(stack: SynthStack, name: StepName, binary: Engine, io: Io, deps: DriftDeps) {
  const args = stepArgs(name);
  const kept: string[] = [];
  // tofu's standard output (progress, the plan's text) is kept and shown only when the step fails;
  // its errors and warnings pass at once.
  const quiet: Io = { ...io, out: (line) => kept.push(line) };
  const run = deps.run ?? spawnRunner(quiet);
  const s = stackStep(stack, name, binary.path, args, io.env, DRIFT_JSON);
  io.err(`$ ${binary.name} ${args.join(" ")}${name === "show" ? ` > ${DRIFT_JSON}` : ""}`);
  const result = await run(s);
  if (result.code === 0) return undefined;
  for (const line of kept) io.err(line);
  const why = stepFailure(result);
  const message = `step ${name} failed: \`${binary.name} ${args.join(" ")}\` ${why} in ${shownPath(io, stack.dir)}`;
  io.err(`drift: ${stack.name}: ${message}`);
  return message;
}

/** One stack's check: init, the refresh-only plan, its JSON, summarised. */
async function checkStack(stack: SynthStack, binary: Engine, io: Io, deps: DriftDeps): Promise<StackResult> {
  for (const f of [DRIFT_PLAN, DRIFT_JSON]) fs.rmSync(path.join(stack.dir, f), { force: true });
  const failed =
    (await driftStep(stack, "init", binary, io, deps)) ?? (await driftStep(stack, "plan", binary, io, deps));
  if (failed !== undefined) return { name: stack.name, error: failed };
  // The saved plan holds the state's sensitive values: readable by its owner only.
  if (fs.existsSync(path.join(stack.dir, DRIFT_PLAN))) fs.chmodSync(path.join(stack.dir, DRIFT_PLAN), 0o600);
  const shown = await driftStep(stack, "show", binary, io, deps);
  if (shown !== undefined) return { name: stack.name, error: shown };
  try {
    const json = JSON.parse(fs.readFileSync(path.join(stack.dir, DRIFT_JSON), "utf8"));
    const { resources, computed } = summariseDrift(json, {
      stack: stack.name,
      ignoreChanges: ignoreChangesOf(stack),
    });
    const drifted = resources.length === 0 ? "no drift" : `${plural(resources.length, "resource")} drifted`;
    io.err(`${stack.name}: ${drifted}`);
    return { name: stack.name, resources, computed };
  } catch (err) {
    const message = `cannot read ${path.join(shownPath(io, stack.dir), DRIFT_JSON)}: ${(err as Error).message}`;
    io.err(`drift: ${stack.name}: ${message}`);
    return { name: stack.name, error: message };
  }
}

/** The report on standard output, or in --report FILE (atomically); false when the file cannot be written. */
function writeReport(
  report: DriftReport,
  format: ReportFormat,
  reportFile: string | undefined,
  opts: DriftOptions,
  io: Io,
): boolean {
  const text = format === "json" ? driftJson(report) : driftMarkdown(report);
  if (reportFile === undefined) {
    for (const line of text.replace(/\n$/, "").split("\n")) io.out(line);
    return true;
  }
  try {
    writeFileAtomic(reportFile, text);
  } catch (err) {
    io.err(`drift: cannot write ${opts.report}: ${(err as Error).message}`);
    return false;
  }
  io.out(`${driftTitle(report)}; ${format === "json" ? "JSON" : "Markdown"} written to ${shownPath(io, reportFile)}`);
  return true;
}

/** The exit code of a written report: 1 when a stack was not checked, 5 when something drifted, else 0. */
function driftExit(report: DriftReport, io: Io): number {
  if (!report.complete) {
    const failed = report.stacks.filter((s) => s.status === "failed").map((s) => s.name);
    io.err(`drift: not every stack was checked (${failed.join(", ")}): exit 1`);
    return ExitCode.failed;
  }
  if (!report.drifted) return ExitCode.ok;
  const dangerous = report.dangerous > 0 ? `, ${report.dangerous} dangerous` : "";
  io.err(
    `drift: ${plural(report.resources.length, "resource")} drifted${dangerous}: ` +
      `bring the code to reality or reality to the code (docs/drift.md); exit ${ExitCode.drifted}`,
  );
  return ExitCode.drifted;
}

export async function runDrift(opts: DriftOptions, io: Io, root: string, deps: DriftDeps = {}): Promise<number> {
  const request = driftRequest(opts, io);
  if (request === undefined) return ExitCode.badInput;
  const { env, format, reportFile } = request;
  const ready = driftPreflight(opts, env, io, root);
  if (ready === undefined) return ExitCode.badInput;
  const { stacks, binary } = ready;
  io.err(
    `drift: environment ${env}, ${plural(stacks.length, "stack")} in order: ${stacks.map((s) => s.name).join(", ")} ` +
      `(${binary.name}: ${binary.path}); refresh-only plans, never applied`,
  );
  const results: StackResult[] = [];
  for (const [i, stack] of stacks.entries()) {
    io.err(`== ${stack.name} (${i + 1}/${stacks.length}) in ${shownPath(io, stack.dir)}`);
    results.push(await checkStack(stack, binary, io, deps));
  }
  const report = driftReport(env, results);
  if (!writeReport(report, format, reportFile, opts, io)) return ExitCode.failed;
  return driftExit(report, io);
}

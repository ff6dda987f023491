/**
 * What the commands that read the engine's answer in a stack's folder
 * (`all2all output`, `all2all unlock`) share: where the synthesised output
 * is, which stacks `--stack` names, the binary with the state passphrases it
 * needs, `init` when the folder is not initialised yet, and how a captured
 * run's failure is said. Each prints its problems under the command's prefix.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { chooseBinary } from "./deploy/binary";
import { type PreflightStack, passphraseProblems } from "./deploy/preflight";
import { type Capture, type Captured, runCaptured } from "./deploy/runner";
import { environmentStacks, OutputProblem, type SynthStack } from "./deploy/output";
import { selectStacks } from "./deploy/stacks";
import { ExitCode, shownPath, type Io } from "./io";
import { readProjectConfig } from "./project";

/** The binary chosen to run. */
export interface Engine {
  readonly name: string;
  readonly path: string;
}

/** The synthesised output: --out (relative to the working directory), else the project's (cdktf.json `output`). */
export function synthOutput(out: string | undefined, io: Io, root: string): { dir: string; label: string } {
  const dir = out === undefined ? path.join(root, readProjectConfig(root).output) : path.resolve(io.cwd, out);
  return { dir, label: shownPath(io, dir) };
}

/**
 * The stacks of environment `env` that `--stack` (`wanted`) names, in order;
 * undefined when the output or the option is wrong (printed, for exit 2).
 */
export function namedStacks(
  prefix: string,
  out: { dir: string; label: string },
  env: string,
  wanted: string | undefined,
  io: Io,
): SynthStack[] | undefined {
  try {
    const selected = selectStacks(environmentStacks(out.dir, out.label, env), env, wanted);
    if (typeof selected !== "string") return selected;
    io.err(`${prefix}: ${selected}`);
    return undefined;
  } catch (err) {
    if (!(err instanceof OutputProblem)) throw err;
    io.err(`${prefix}: ${err.message}`);
    return undefined;
  }
}

/**
 * The binary to run on `stacks`, once it is found and every encrypted
 * state's passphrase is set (tofu needs it already for init); undefined
 * when not (every problem printed, for exit 2).
 */
export function engineFor(
  prefix: string,
  binary: string | undefined,
  stacks: readonly PreflightStack[],
  io: Io,
): Engine | undefined {
  const chosen = chooseBinary(binary, io.env, io.cwd);
  const problems = [...(chosen.ok ? [] : [chosen.problem]), ...passphraseProblems(stacks, io.env)];
  if (problems.length === 0 && chosen.ok) return { name: chosen.name, path: chosen.path };
  for (const p of problems) io.err(`${prefix}: ${p}`);
  return undefined;
}

/** Why a captured run failed: `could not start (…)`, `was killed`, `exited with N`. */
export function capturedFailure(r: Captured): string {
  if (r.error !== undefined) return `could not start (${r.error})`;
  return r.code === null ? "was killed" : `exited with ${r.code}`;
}

/** One engine run in a stack's folder that failed: the command, why, where and what it means; exit 1. */
export function reportCaptured(
  prefix: string,
  stack: string,
  engine: Engine,
  run: { readonly args: readonly string[]; readonly result: Captured; readonly dir: string },
  consequence: string,
  io: Io,
): number {
  const why = capturedFailure(run.result);
  io.err(`${prefix}: ${stack}: \`${engine.name} ${run.args.join(" ")}\` ${why} in ${run.dir}; ${consequence}`);
  return ExitCode.failed;
}

/**
 * `init -input=false` in the stack's folder when it is not initialised yet
 * (no .terraform/), announced first; the failed run, or undefined when
 * initialised (before or now).
 */
export async function initIfNeeded(
  prefix: string,
  stack: SynthStack,
  engine: Engine,
  io: Io,
  streams: Capture,
): Promise<{ args: readonly string[]; result: Captured } | undefined> {
  if (fs.existsSync(path.join(stack.dir, ".terraform"))) return undefined;
  const args = ["init", "-input=false"];
  io.err(`${prefix}: ${stack.name}: not initialised: $ ${engine.name} ${args.join(" ")}`);
  const result = await runCaptured(engine.path, args, stack.dir, io, { stdout: streams, stderr: streams });
  return result.code === 0 ? undefined : { args, result };
}

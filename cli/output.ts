/**
 * `all2all output --env NAME [--stack S] [--format text|json] [--out DIR] [--binary PATH] [--show-sensitive]`:
 * the outputs of an environment's applied stacks (the servers' public
 * addresses, the storage box's host), read from their state by the engine,
 * so that no one has to type `tofu` in a stack's folder. For each stack of
 * the synthesised output (cdktf.out/manifest.json), in dependency order, or
 * the one --stack names, in its working directory cdktf.out/stacks/<stack>:
 *
 *   <bin> init -input=false     only when the folder is not initialised yet (no .terraform/)
 *   <bin> output -json
 *
 * The engine's own messages go to standard error; standard output holds only
 * the values. `--format json` with `--stack` prints exactly the shape of
 * `tofu output -json` (`{ "<name>": { "value": …, "type": …, "sensitive": … } }`),
 * which `all2all zonefile|inventory --addresses FILE` read; without `--stack`,
 * one such object per stack, keyed by the stack's name (which --addresses reads
 * too). `--format text` (the default) prints `name = value` lines, under a
 * `# <stack>` line per stack. A sensitive output is printed as `(sensitive)`
 * unless --show-sensitive.
 *
 * Exit codes: 0 printed; 1 the engine failed, or a stack is not applied yet
 * (its state holds none of the outputs it declares); 2 bad input (arguments,
 * no synthesised output, unknown environment or stack, no binary, no or a
 * short TF_VAR_state_passphrase where the state is encrypted).
 */
import * as fs from "node:fs";
import { OutputProblem, stackFacts, type SynthStack } from "./deploy/output";
import type { PreflightStack } from "./deploy/preflight";
import { runCaptured, type Captured } from "./deploy/runner";
import { ExitCode, shownPath, type Io } from "./io";
import { type Engine, engineFor, initIfNeeded, namedStacks, reportCaptured, synthOutput } from "./stack-engine";

export const OUTPUT_FORMATS = ["text", "json"] as const;

/** What a sensitive output's value is printed as, without --show-sensitive. */
export const SENSITIVE = "(sensitive)";

export interface OutputOptions {
  /** The environment (required). */
  readonly env?: string;
  /** One stack: its name (`dr-servers`) or its part (`servers`). Default: every stack of the environment. */
  readonly stack?: string;
  /** `text` (default) or `json`. */
  readonly format?: string;
  /** The synthesised output; default the repository's cdktf.out. Relative to the working directory. */
  readonly out?: string;
  /** The tofu/terraform binary: a path, or a name on PATH. Default `tofu`, else `terraform`, on PATH. */
  readonly binary?: string;
  /** Print the values of sensitive outputs too (they are secrets: mind where the output goes). */
  readonly showSensitive?: boolean;
}

/** One output as `tofu output -json` prints it. */
export interface OutputValue {
  readonly value: unknown;
  readonly type?: unknown;
  readonly sensitive?: boolean;
}

export type StackOutputs = Record<string, OutputValue>;

const PREFIX = "output";

/** The names of the outputs a stack's cdk.tf.json declares. */
function declaredOutputs(stack: SynthStack): string[] {
  try {
    const doc = JSON.parse(fs.readFileSync(stack.file, "utf8")) as { output?: Record<string, unknown> };
    return Object.keys(doc.output ?? {}).sort();
  } catch (err) {
    throw new OutputProblem(`${stack.file} is not readable JSON (${(err as Error).message})`);
  }
}

/** The outputs with sensitive values replaced by {@link SENSITIVE}. */
export function maskSensitive(outputs: StackOutputs): StackOutputs {
  return Object.fromEntries(
    Object.entries(outputs).map(([name, o]) => [name, o.sensitive === true ? { ...o, value: SENSITIVE } : o]),
  );
}

function textValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The text format: `# <stack>` (when more than one), then `name = value` lines in name order. */
export function renderText(byStack: ReadonlyArray<readonly [string, StackOutputs]>): string[] {
  const lines: string[] = [];
  for (const [stack, outputs] of byStack) {
    if (byStack.length > 1) lines.push(`# ${stack}`);
    for (const name of Object.keys(outputs).sort()) lines.push(`${name} = ${textValue(outputs[name]!.value)}`);
  }
  return lines;
}

/** The JSON format: one stack's outputs as `tofu output -json` prints them, or every stack's, keyed by stack. */
export function renderJson(byStack: ReadonlyArray<readonly [string, StackOutputs]>, single: boolean): string {
  const doc = single ? byStack[0]![1] : Object.fromEntries(byStack);
  return JSON.stringify(doc, null, 2);
}

function isOutputs(raw: unknown): raw is StackOutputs {
  return (
    typeof raw === "object" &&
    raw !== null &&
    !Array.isArray(raw) &&
    Object.values(raw).every((v) => typeof v === "object" && v !== null && !Array.isArray(v) && "value" in v)
  );
}

/** The stacks with the outputs each declares and the facts of their state; undefined when a problem was printed. */
function outputStacks(
  opts: OutputOptions,
  env: string,
  io: Io,
  root: string,
): { stacks: SynthStack[]; declared: Map<string, string[]>; facts: PreflightStack[] } | undefined {
  const stacks = namedStacks(PREFIX, synthOutput(opts.out, io, root), env, opts.stack, io);
  if (stacks === undefined) return undefined;
  try {
    const declared = new Map(stacks.map((s) => [s.name, declaredOutputs(s)]));
    return { stacks, declared, facts: stacks.map((s) => ({ name: s.name, facts: stackFacts(s) })) };
  } catch (err) {
    if (!(err instanceof OutputProblem)) throw err;
    io.err(`${PREFIX}: ${err.message}`);
    return undefined;
  }
}

/** The outputs `output -json` printed, or what is wrong with what it printed. */
function parsedOutputs(stdout: string): { outputs: StackOutputs } | { wrong: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch (err) {
    return { wrong: `printed no JSON (${(err as Error).message})` };
  }
  if (isOutputs(raw)) return { outputs: raw };
  return { wrong: 'printed JSON that is not an object of outputs ({ "<name>": { "value": … } })' };
}

/** One stack's outputs, read by the engine (after `init` when needed); an exit code when that failed (printed). */
async function readStackOutputs(
  stack: SynthStack,
  declared: readonly string[],
  engine: Engine,
  env: string,
  io: Io,
): Promise<StackOutputs | number> {
  const dir = shownPath(io, stack.dir);
  const failed = (args: readonly string[], result: Captured) =>
    reportCaptured(PREFIX, stack.name, engine, { args, result, dir }, "nothing printed", io);
  const init = await initIfNeeded(PREFIX, stack, engine, io, "err");
  if (init !== undefined) return failed(init.args, init.result);
  const args = ["output", "-json"];
  const r = await runCaptured(engine.path, args, stack.dir, io, { stdout: "keep", stderr: "err" });
  if (r.code !== 0) return failed(args, r);
  const parsed = parsedOutputs(r.stdout);
  if ("wrong" in parsed) {
    io.err(`${PREFIX}: ${stack.name}: \`${engine.name} ${args.join(" ")}\` ${parsed.wrong}; nothing printed`);
    return ExitCode.failed;
  }
  const { outputs } = parsed;
  if (declared.length > 0 && Object.keys(outputs).length === 0) {
    io.err(
      `${PREFIX}: ${stack.name} is not applied yet: its state holds none of its outputs (${declared.join(", ")}); ` +
        `deploy it first (\`all2all deploy --env ${env} --stack ${stack.name}\`), ` +
        "or check that the state credentials point at its state; nothing printed",
    );
    return ExitCode.failed;
  }
  return outputs;
}

export async function runOutput(opts: OutputOptions, io: Io, root: string): Promise<number> {
  const env = opts.env?.trim();
  if (env === undefined || env === "") {
    io.err(`${PREFIX}: --env is required: outputs are read from one environment's stacks (e.g. --env dr)`);
    return ExitCode.badInput;
  }
  const format = opts.format ?? "text";
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    io.err(`${PREFIX}: --format must be one of ${OUTPUT_FORMATS.join(", ")} (got "${opts.format}")`);
    return ExitCode.badInput;
  }
  const selected = outputStacks(opts, env, io, root);
  if (selected === undefined) return ExitCode.badInput;
  // The outputs are read from the state: encrypted, tofu needs the passphrase (already for init).
  const engine = engineFor(PREFIX, opts.binary, selected.facts, io);
  if (engine === undefined) return ExitCode.badInput;

  const byStack: [string, StackOutputs][] = [];
  for (const stack of selected.stacks) {
    const outputs = await readStackOutputs(stack, selected.declared.get(stack.name) ?? [], engine, env, io);
    if (typeof outputs === "number") return outputs;
    byStack.push([stack.name, opts.showSensitive ? outputs : maskSensitive(outputs)]);
  }

  const single = opts.stack !== undefined;
  if (format === "json") {
    for (const line of renderJson(byStack, single).split("\n")) io.out(line);
  } else {
    for (const line of renderText(byStack)) io.out(line);
  }
  return ExitCode.ok;
}

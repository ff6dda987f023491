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
import * as path from "node:path";
import { chooseBinary } from "./deploy/binary";
import { runCaptured, type Captured } from "./deploy/runner";
import { environmentStacks, OutputProblem, stackFacts, type StackFacts, type SynthStack } from "./deploy/output";
import { passphraseProblems } from "./deploy/preflight";
import { ExitCode, shownPath, type Io } from "./io";
import { STACK_CONCERNS } from "./inventory/model";
import { readProjectConfig } from "./project";

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
  const out = opts.out === undefined ? path.join(root, readProjectConfig(root).output) : path.resolve(io.cwd, opts.out);
  const outLabel = shownPath(io, out);

  let stacks: SynthStack[];
  const declared = new Map<string, string[]>();
  let facts: { name: string; facts: StackFacts }[];
  try {
    const all = environmentStacks(out, outLabel, env);
    if (opts.stack === undefined) stacks = all;
    else {
      const wanted = opts.stack.trim();
      const found = all.find((s) => s.name === wanted || s.name === `${env}-${wanted}`);
      if (!found) {
        io.err(
          `${PREFIX}: --stack ${opts.stack} is not a stack of environment ${env}; its stacks: ${all.map((s) => s.name).join(", ")} (or ${STACK_CONCERNS.join(", ")})`,
        );
        return ExitCode.badInput;
      }
      stacks = [found];
    }
    for (const s of stacks) declared.set(s.name, declaredOutputs(s));
    facts = stacks.map((s) => ({ name: s.name, facts: stackFacts(s) }));
  } catch (err) {
    if (err instanceof OutputProblem) {
      io.err(`${PREFIX}: ${err.message}`);
      return ExitCode.badInput;
    }
    throw err;
  }
  const binary = chooseBinary(opts.binary, io.env, io.cwd);
  // The outputs are read from the state: encrypted, tofu needs the passphrase (already for init).
  const problems = [...(binary.ok ? [] : [binary.problem]), ...passphraseProblems(facts, io.env)];
  if (problems.length > 0 || !binary.ok) {
    for (const p of problems) io.err(`${PREFIX}: ${p}`);
    return ExitCode.badInput;
  }

  const byStack: [string, StackOutputs][] = [];
  for (const stack of stacks) {
    const dir = shownPath(io, stack.dir);
    const failed = (args: readonly string[], r: Captured) => {
      const why =
        r.error !== undefined
          ? `could not start (${r.error})`
          : r.code === null
            ? "was killed"
            : `exited with ${r.code}`;
      io.err(`${PREFIX}: ${stack.name}: \`${binary.name} ${args.join(" ")}\` ${why} in ${dir}; nothing printed`);
      return ExitCode.failed;
    };
    if (!fs.existsSync(path.join(stack.dir, ".terraform"))) {
      const args = ["init", "-input=false"];
      io.err(`${PREFIX}: ${stack.name}: not initialised: $ ${binary.name} ${args.join(" ")}`);
      const r = await runCaptured(binary.path, args, stack.dir, io, { stdout: "err", stderr: "err" });
      if (r.code !== 0) return failed(args, r);
    }
    const args = ["output", "-json"];
    const r = await runCaptured(binary.path, args, stack.dir, io, { stdout: "keep", stderr: "err" });
    if (r.code !== 0) return failed(args, r);
    let raw: unknown;
    try {
      raw = JSON.parse(r.stdout);
    } catch (err) {
      io.err(
        `${PREFIX}: ${stack.name}: \`${binary.name} ${args.join(" ")}\` printed no JSON (${(err as Error).message}); nothing printed`,
      );
      return ExitCode.failed;
    }
    if (!isOutputs(raw)) {
      io.err(
        `${PREFIX}: ${stack.name}: \`${binary.name} ${args.join(" ")}\` printed JSON that is not an object of outputs ({ "<name>": { "value": … } }); nothing printed`,
      );
      return ExitCode.failed;
    }
    const names = declared.get(stack.name) ?? [];
    if (names.length > 0 && Object.keys(raw).length === 0) {
      io.err(
        `${PREFIX}: ${stack.name} is not applied yet: its state holds none of its outputs (${names.join(", ")}); ` +
          `deploy it first (\`all2all deploy --env ${env} --stack ${stack.name}\`), or check that the state credentials point at its state; nothing printed`,
      );
      return ExitCode.failed;
    }
    byStack.push([stack.name, opts.showSensitive ? raw : maskSensitive(raw)]);
  }

  const single = opts.stack !== undefined;
  if (format === "json") {
    for (const line of renderJson(byStack, single).split("\n")) io.out(line);
  } else {
    for (const line of renderText(byStack)) io.out(line);
  }
  return ExitCode.ok;
}

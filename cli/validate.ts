/**
 * `all2all validate`: checks every stack of a synthesised output directory
 * against the committed provider schemas, offline, and prints every problem.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  formatProblem,
  loadProviderSchemas,
  type Problem,
  validateSynthOutput,
  type ProviderSchemas,
} from "../validate";
import { InputError } from "./errors";
import { ExitCode, type Io } from "./io";
import { readProjectConfig } from "./project";

export interface ValidateOptions {
  /** The synthesised output directory; default cdktf.json `output` (cdktf.out). */
  readonly out?: string;
}

export async function runValidate(options: ValidateOptions, io: Io, root: string): Promise<number> {
  const project = readProjectConfig(root);
  const out = options.out === undefined ? path.join(project.root, project.output) : path.resolve(io.cwd, options.out);
  if (!fs.existsSync(out)) {
    // The folder as the user gave it (or the default's place, relative to where they are).
    const shown = options.out ?? (path.relative(io.cwd, out) || out);
    io.err(`validate: ${shown} does not exist (run \`all2all synth\` first, or name the directory with --out)`);
    return ExitCode.badInput;
  }
  const schemas = loadSchemas(project.schemaFiles);
  const { stacks, problems } = validateSynthOutput(out, schemas);
  const errors = printProblems(problems, io);
  const warnings = problems.length - errors;
  const summary =
    `validate: ${stacks.length} stack${stacks.length === 1 ? "" : "s"}, ${errors} ` +
    `problem${errors === 1 ? "" : "s"}${warnings > 0 ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ""}`;
  if (errors > 0) {
    io.err(summary);
    return ExitCode.failed;
  }
  io.out(summary);
  return ExitCode.ok;
}

/** Loads the committed provider schemas; a broken file is bad input naming it. */
export function loadSchemas(files: readonly string[]): ProviderSchemas {
  if (files.length === 0) throw new InputError("no provider schema found (expected providers/<name>/schema.json)");
  try {
    return loadProviderSchemas([...files]);
  } catch (err) {
    throw new InputError((err as Error).message);
  }
}

/** Prints warnings then errors; returns the number of errors. */
export function printProblems(problems: readonly Problem[], io: Io): number {
  const errors = problems.filter((p) => p.severity === "error");
  for (const p of problems.filter((p) => p.severity !== "error")) io.err(formatProblem(p));
  for (const p of errors) io.err(formatProblem(p));
  return errors.length;
}
